"""What a student's browser may see of an item: the question and its choices, never the key.

``layout_for`` draws the per-attempt order of items and of each item's choices from a seed (each type draws its own
part: ``ItemType.arrange``), and for an attempt gives each choice of a single- or multiple-choice item an opaque id
of its own (the written ids, ``a``, ``b``, …, follow the author's order and so would hint at the key);
``student_item`` turns an item into the keyless form the quiz page renders (``ItemType.student_view``), and
``shown_answer``/``stored_answer`` translate an answer between the ids the attempt shows and the written ids that
grading uses. Keys and feedback are shown only on the review page, which the web layer serves when the assignment's
review policy allows.
"""
from __future__ import annotations

import random

from ..items import Item


def layout_for(items: list[Item], seed: str, shuffle_items: bool, shuffle_options: bool,
               opaque_ids: bool = False) -> dict:
    """The order of items, of choices and of ordering elements, drawn from ``seed``; with ``opaque_ids`` (an
    attempt, stored with its layout), a random id for each choice of a single- or multiple-choice item."""
    rng = random.Random(seed)
    order = [i.id for i in items]
    if shuffle_items:
        rng.shuffle(order)
    layout: dict = {"items": order, "options": {}, "elements": {}, "aliases": {}}
    for item in items:
        for part, value in item.kind.arrange(item, rng, shuffle_options, opaque_ids).items():
            layout[part][item.id] = value
    return layout


def shown_answer(item_id: str, layout: dict, answer: object) -> object:
    """A stored answer (written ids) in the ids this attempt shows."""
    alias = layout.get("aliases", {}).get(item_id)
    return _renamed(answer, alias) if alias else answer


def stored_answer(item_id: str, layout: dict, answer: object) -> object:
    """An answer in the ids this attempt shows, in the written ids that grading uses. An id the attempt never
    showed becomes "" (no choice has it), so the answer is refused rather than guessed at."""
    alias = layout.get("aliases", {}).get(item_id)
    return _renamed(answer, {shown: written for written, shown in alias.items()}, "") if alias else answer


def _renamed(answer: object, names: dict[str, str], unknown: str | None = None) -> object:
    def rename(value):
        return names.get(value, value if unknown is None else unknown) if isinstance(value, str) else value
    return [rename(v) for v in answer] if isinstance(answer, list) else rename(answer)


def student_item(item: Item, layout: dict) -> dict:
    """The keyless view of ``item`` in this attempt's order: what every type shows, then what its type adds."""
    return {"id": item.id, "type": item.type, "prompt": item.prompt, "points": item.points, "skill": item.skill,
            **item.kind.student_view(item, layout)}



def review_item(item: Item, layout: dict) -> dict:
    """The item as an attempt showed it (its order of choices and elements) in the written ids, which stored
    answers use: for the review of a submitted attempt, never for the quiz page."""
    return student_item(item, {**layout, "aliases": {}})
