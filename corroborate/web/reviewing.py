"""The rows of a submitted attempt's answers for ``templates/items/reviewed.html``: the student's review and the
teacher's attempt view draw every item type the same way, in the order of the items' stable labels."""
from __future__ import annotations

import json

from ..items import Item, grade
from ..items.labels import in_label_order, item_labels, with_references
from ..quiz.present import review_item
from .models import Attempt


def answer_value(response) -> object:
    """A saved answer (written ids), or None when there is none: an empty text or no choice is no answer."""
    if response is None:
        return None
    value = json.loads(response.value)
    return None if value in ("", [], {}) else value


def answer_rows(attempt: Attempt, items: dict[str, Item], key: bool, teacher: bool = False) -> list[dict]:
    """A row per item of the attempt: the item, its ``view`` as the attempt showed it (written ids), the answer
    (``value``), its ``result`` (a Grade, only when the key may be shown and the item is graded automatically), the
    stored ``response`` (an essay's mark and comment), its ``label``, the number it was ``shown`` under and, with
    the key, its ``explanation``. ``key``: the review policy allows the key, marks and feedback (always for the
    teacher)."""
    layout = json.loads(attempt.layout)
    labels = item_labels(items.values())
    shown = {item_id: n for n, item_id in enumerate((i for i in layout["items"] if i in items), start=1)}
    answers = {r.item_id: r for r in attempt.responses}
    rows = []
    for item in in_label_order([items[item_id] for item_id in shown], labels):
        response = answers.get(item.id)
        value = answer_value(response)
        rows.append({
            "item": item, "view": review_item(item, layout), "value": value, "response": response,
            "result": grade(item, value) if key and value is not None and not item.manual else None,
            "key": key, "teacher": teacher, "who": "Student's answer" if teacher else "Your answer",
            "label": labels[item.id], "shown": shown[item.id],
            "explanation": with_references(item.explanation, item.id, labels) if key else None})
    return rows
