"""Stable labels for the items of a quiz: "Q3 · Who is speaking?".

An item's number is its place in the module's written order, with the generated items numbered after the written
ones; its title is :attr:`Item.short_title` (the item's ``title:``, else the first words of its prompt). The labels
do not depend on the order an attempt showed the items in, so the teacher's item analysis, the student's review,
the results and their CSV all call the same question by the same name.
"""
from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .base import Item


@dataclass(frozen=True)
class Label:
    number: int
    title: str

    @property
    def code(self) -> str:
        return f"Q{self.number}"

    def __str__(self) -> str:
        return f"{self.code} · {self.title}"


def item_labels(items: Iterable[Item]) -> dict[str, Label]:
    """Item id → its label, for the items of one module version (in their stored order)."""
    items = list(items)
    ordered = [i for i in items if not i.generated] + [i for i in items if i.generated]
    return {item.id: Label(number, item.short_title) for number, item in enumerate(ordered, start=1)}


def in_label_order(items: Iterable[Item], labels: dict[str, Label]) -> list[Item]:
    return sorted(items, key=lambda item: labels[item.id].number)


NEIGHBOUR = re.compile(r"\b(the|The) (next|previous|following) (item|question)\b")


def with_references(text: str | None, item_id: str, labels: dict[str, Label]) -> str | None:
    """An explanation whose "the next item" / "the previous item" names that item by its label ("Q13"), so that it
    still points at the right question when a student saw the questions shuffled. ``text`` is HTML."""
    if not text or not NEIGHBOUR.search(text):
        return text
    by_number = {label.number: label for label in labels.values()}
    here = labels[item_id].number

    def name(match: re.Match) -> str:
        other = by_number.get(here - 1 if match[2] == "previous" else here + 1)
        return f"{other.code} ({html.escape(other.title)})" if other else match[0]
    return NEIGHBOUR.sub(name, text)
