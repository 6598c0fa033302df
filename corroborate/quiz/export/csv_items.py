"""Items as CSV, one row per item, for a spreadsheet: every type, with its key in words.

A text cell that a spreadsheet would run as a formula (``=…``, ``+…``, ``@…``) starts with ``'`` (see csvsafe).
A cell that lists several things (options, accepted answers, pairs, rubric levels, excerpts, citations) has one per
line. Prompts are plain text; a cloze's text follows its prompt with the blanks numbered, as in its key. Each item
type gives its prompt, options and key (``to_csv`` in ``corroborate/items/<type>.py``).
"""
from __future__ import annotations

import io
from collections.abc import Iterable

from ... import csvsafe
from ...curriculum.markup import plain
from ...curriculum.model import Module
from ...items import Item
from .common import Sources, item_citations, number

COLUMNS = ("id", "type", "skill", "points", "prompt", "options", "key", "excerpts", "citations")


class Writer:
    """What an item type's ``to_csv`` (in ``corroborate/items/<type>.py``) writes its cells with."""

    plain = staticmethod(plain)
    number = staticmethod(number)


def to_csv(module: Module, items: Iterable[Item], sources: Sources | None = None) -> str:
    """The items as CSV text with a header row (quoted by the csv module; lines end in CRLF), no cell a formula."""
    out = io.StringIO()
    writer = csvsafe.Writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for item in items:
        prompt, options, key = item.kind.to_csv(item, Writer)
        writer.writerow([                                       # in the order of COLUMNS
            item.id, item.type, item.skill, number(item.points), prompt, "\n".join(options), "\n".join(key),
            "\n".join(item.excerpts), "\n".join(item_citations(module, item, sources))])
    return out.getvalue()
