"""YAML that remembers where things are: every mapping and list knows the line it starts on and each key's line.

Dates and times stay strings (the validator checks them itself), so ``1934-12-01`` is never silently turned into a
``datetime.date`` and ``1934-12-32`` is reported rather than refused by the parser.
"""
from __future__ import annotations

import yaml


class LineDict(dict):
    line: int = 0
    key_lines: dict

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    line: int = 0
    item_lines: list


class _Loader(yaml.SafeLoader):
    offset = 0


# Resolve timestamps as plain strings.
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1 + loader.offset
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if isinstance(key, (list, dict)):
            raise yaml.constructor.ConstructorError(None, None, "a key must be a plain value", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = key_node.start_mark.line + 1 + loader.offset
    return result


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1 + loader.offset
    result.item_lines = [child.start_mark.line + 1 + loader.offset for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)


def load(text: str, first_line: int = 1):
    """Parse ``text``, numbering lines from ``first_line``; raises ``yaml.YAMLError`` with a mark on bad YAML."""
    loader = _Loader(text)
    loader.offset = first_line - 1
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
