"""Items as CSV, one row per item, for a spreadsheet: every type, with its key in words.

A text cell that a spreadsheet would run as a formula (``=…``, ``+…``, ``@…``) starts with ``'`` (see csvsafe).
A cell that lists several things (options, accepted answers, pairs, rubric levels, excerpts, citations) has one per
line. Prompts are plain text; a cloze's text follows its prompt with the blanks numbered, as in its key.
"""
from __future__ import annotations

import io
from collections.abc import Iterable

from ...csvsafe import Writer
from ...curriculum.markup import plain
from ...curriculum.model import Module
from ...quiz.items import Blank, Item
from .common import Sources, item_citations, number

COLUMNS = ("id", "type", "skill", "points", "prompt", "options", "key", "excerpts", "citations")


def to_csv(module: Module, items: Iterable[Item], sources: Sources | None = None) -> str:
    """The items as CSV text with a header row (quoted by the csv module; lines end in CRLF), no cell a formula."""
    out = io.StringIO()
    writer = Writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for item in items:
        writer.writerow([                                       # in the order of COLUMNS
            item.id, item.type, item.skill, number(item.points), _prompt(item), "\n".join(_options(item)),
            "\n".join(_key(item)), "\n".join(item.excerpts), "\n".join(item_citations(module, item, sources))])
    return out.getvalue()


def _prompt(item: Item) -> str:
    if item.type != "cloze":
        return plain(item.prompt)
    pieces, n = [], 0
    for piece in item.cloze:
        if isinstance(piece, Blank):
            n += 1
            piece = f"({n}) ____"
        pieces.append(piece)
    return f"{plain(item.prompt)} {''.join(pieces)}"


def _options(item: Item) -> list[str]:
    """What a student chooses from: options as ``a) text``, or a matching item's right-hand texts."""
    if item.type in ("single", "multiple"):
        return [f"{o.id}) {o.text}" for o in item.options]
    if item.type == "truefalse":
        return [o.text for o in item.options]
    if item.type == "matching":
        return [text for _, text in item.right_options()]
    return []


def _key(item: Item) -> list[str]:
    if item.type in ("single", "multiple"):
        return [f"{o.id}) {o.text}" for o in item.options if o.correct]
    if item.type == "truefalse":
        return [o.text for o in item.options if o.correct]
    if item.type == "matching":
        return [f"{p.left} → {p.right}" for p in item.pairs]
    if item.type == "ordering":
        return [f"{n}. {text}" for n, text in enumerate(item.sequence, start=1)]
    if item.type == "short":
        return list(item.accept)
    if item.type == "cloze":
        return [f"({n}) {' | '.join(blank.accept)}" for n, blank in enumerate(item.blanks, start=1)]
    return [f"{level.level} ({number(level.points)} points): {plain(level.descriptor)} Sample: {plain(level.sample)}"
            for level in item.rubric]
