"""What a student's browser may see of an item: the question and its choices, never the key.

``layout_for`` draws the per-attempt order of items and options from a seed, and for an attempt gives each choice an
opaque id of its own (the written ids, ``a``, ``b``, …, follow the author's order and so would hint at the key);
``student_item`` turns an item into the keyless form the quiz page renders, and ``shown_answer``/``stored_answer``
translate an answer between the ids the attempt shows and the written ids that grading uses. Keys and feedback are
shown only on the review page, which the web layer serves when the assignment's review policy allows.
"""
from __future__ import annotations

import random
import secrets

from .items import Blank, Item, element_id


def layout_for(items: list[Item], seed: str, shuffle_items: bool, shuffle_options: bool,
               opaque_ids: bool = False) -> dict:
    """The order of items, of choices and of ordering elements, drawn from ``seed``; with ``opaque_ids`` (an
    attempt, stored with its layout), a random id for each choice of a single- or multiple-choice item."""
    rng = random.Random(seed)
    order = [i.id for i in items]
    if shuffle_items:
        rng.shuffle(order)
    options, elements, aliases = {}, {}, {}
    for item in items:
        if item.type in ("single", "multiple"):
            ids = [o.id for o in item.options]
            if shuffle_options:
                rng.shuffle(ids)
            options[item.id] = ids
            if opaque_ids:
                aliases[item.id] = {oid: "c" + secrets.token_hex(5) for oid in ids}
        elif item.type == "matching":
            ids = [rid for rid, _ in item.right_options()]
            rng.shuffle(ids)
            options[item.id] = ids
        elif item.type == "ordering":
            in_order = [element_id(t) for t in item.sequence]
            ids = list(in_order)
            while len(ids) > 1 and ids == in_order:
                rng.shuffle(ids)            # never show the elements already in order
            elements[item.id] = ids
    return {"items": order, "options": options, "elements": elements, "aliases": aliases}


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
    """The keyless view of ``item`` in this attempt's order."""
    view = {"id": item.id, "type": item.type, "prompt": item.prompt, "points": item.points, "skill": item.skill}
    if item.type in ("single", "multiple", "truefalse"):
        by_id = {o.id: o for o in item.options}
        order = layout["options"].get(item.id, list(by_id))
        alias = layout.get("aliases", {}).get(item.id, {})
        view["options"] = [{"id": alias.get(oid, oid), "text": by_id[oid].text} for oid in order]
    elif item.type == "matching":
        rights = dict(item.right_options())
        view["lefts"] = [{"id": p.left_id, "text": p.left} for p in item.pairs]
        view["rights"] = [{"id": rid, "text": rights[rid]} for rid in layout["options"].get(item.id, list(rights))]
    elif item.type == "ordering":
        texts = {element_id(t): t for t in item.sequence}
        view["elements"] = [{"id": eid, "text": texts[eid]} for eid in layout["elements"].get(item.id, list(texts))]
    elif item.type == "cloze":
        pieces, blank = [], 0
        for piece in item.cloze:
            if isinstance(piece, Blank):
                pieces.append({"blank": blank})
                blank += 1
            else:
                pieces.append({"text": piece})
        view["pieces"] = pieces
        view["blanks"] = blank
    elif item.type == "essay":
        view["rubric"] = [{"level": level.level, "descriptor": level.descriptor} for level in item.rubric]
    return view


def answer_from_form(view: dict, values: list[str]) -> object:
    """An answer in grading shape from the quiz form's fields (the no-JavaScript path; quiz.js does the same).

    ``values`` are the item's form values in document order, as ``request.form.getlist`` returns them.
    """
    kind = view["type"]
    if kind in ("single", "truefalse", "short", "essay"):
        return values[0] if values else None
    if kind == "multiple":
        return list(values)
    if kind == "matching":
        return {left["id"]: value for left, value in zip(view["lefts"], values) if value}
    if kind == "ordering":
        positions = [(int(v), element["id"]) for element, v in zip(view["elements"], values) if v.isdigit()]
        return [element for _, element in sorted(positions)]
    if kind == "cloze":
        return list(values)
    return None
