"""Ordering: put events (or any elements) in their order.

In a module file: ``sequence:``, at least three different texts in the right order. The answer is the list of
element ids (:func:`element_id` of each text) in the order the student chose; the score is the share of pairs of
elements in the right relative order (one swap of neighbours in four costs 1/6), and nothing for an answer that does
not place every element once. An attempt shows the elements in a seeded shuffle that is never already the answer.

Exported as Moodle ``ordering`` (core since 4.4, graded on every pair like here), as a Canvas
``matching_question`` pairing each element with its position (Canvas Classic has no ordering question: said in the
assessment), and not to GIFT, which has no ordering question (the file says so where the item would be).

The quiz page shows each element with a select of its position, 1 to n (``items/ordering.html``, ``data-element``
its id): no dragging, so the keyboard and screen readers work. quiz.js sorts the elements by their chosen positions
and sends their ids in that order; an element without a position is left out.
"""
from __future__ import annotations

from itertools import combinations

from .base import Grade, Item, ItemType, element_id


class Ordering(ItemType):
    name, label, template = "ordering", "Ordering", "items/ordering.html"
    fields = frozenset({"sequence"})
    qti_type = "matching_question"

    # --- the module file ---------------------------------------------------------------------------------------------
    def parse(self, reader) -> dict | None:
        sequence = reader.fields.texts("sequence")
        if len(sequence) < 3 or len(set(sequence)) != len(sequence):
            reader.error(reader.fields.line_of("sequence"),
                         f"{reader.where}: an ordering item needs at least three different elements")
            return None
        return {"sequence": tuple(sequence)}

    def to_json(self, item: Item) -> dict:
        return {"sequence": list(item.sequence)}

    def from_json(self, data: dict) -> dict:
        return {"sequence": tuple(data.get("sequence", ()))}

    # --- grading -----------------------------------------------------------------------------------------------------
    def key(self, item: Item) -> list[str]:
        return [element_id(text) for text in item.sequence]

    def grade(self, item: Item, answer: object) -> Grade:
        key = self.key(item)
        given = [a for a in answer if a in key] if isinstance(answer, (list, tuple)) else []
        if len(set(given)) != len(key):
            return Grade(0.0)
        position = {element: index for index, element in enumerate(given)}
        pairs = [position[a] < position[b] for a, b in combinations(key, 2)]
        return Grade(sum(pairs) / len(pairs), (), tuple(g == k for g, k in zip(given, key)))

    def answer_problem(self, item: Item, answer: object) -> str | None:
        ids = set(self.key(item))
        if not isinstance(answer, list) or not all(isinstance(a, str) and a in ids for a in answer) \
                or len(set(answer)) != len(answer):
            return "Send a list of this question's elements, each once, in the order you chose."
        return None

    # --- what a student sees -----------------------------------------------------------------------------------------
    def arrange(self, item: Item, rng, shuffle_options: bool, opaque_ids: bool) -> dict:
        in_order = self.key(item)
        ids = list(in_order)
        while len(ids) > 1 and ids == in_order:
            rng.shuffle(ids)                # never show the elements already in order
        return {"elements": ids}

    def student_view(self, item: Item, layout: dict) -> dict:
        texts = {element_id(t): t for t in item.sequence}
        return {"elements": [{"id": eid, "text": texts[eid]} for eid in layout["elements"].get(item.id, list(texts))]}

    def shown_value(self, value: object) -> object:
        return value if isinstance(value, list) else None

    def answer_from_form(self, view: dict, values: list[str]) -> object:
        """``values`` are the positions chosen for the elements, in the order the page shows them."""
        positions = [(int(v), element["id"]) for element, v in zip(view["elements"], values) if v.isdigit()]
        return [element for _, element in sorted(positions)]

    # --- answers and keys in words -----------------------------------------------------------------------------------
    def answer_text(self, item: Item, value: object) -> str:
        texts = {element_id(t): t for t in item.sequence}
        return " → ".join(texts.get(eid, "?") for eid in value) if isinstance(value, list) else str(value)

    def key_text(self, item: Item) -> str:
        return " → ".join(item.sequence)

    def printed_key(self, item: Item, view: dict) -> str:
        """The printed numbers of the elements in the right order: "3 → 1 → 2"."""
        position = {e["id"]: n + 1 for n, e in enumerate(view["elements"])}
        return " → ".join(str(position[element_id(t)]) for t in item.sequence)

    # --- exports -----------------------------------------------------------------------------------------------------
    def to_gift(self, item: Item, gift) -> tuple[str, str, str]:
        raise gift.Unsupported("ordering is not supported by GIFT")

    def to_moodle_xml(self, item: Item, xml):
        """Moodle's ``ordering``: the answers in the right order, graded on every pair of elements, as here."""
        settings = xml.fields({"layouttype": "VERTICAL", "selecttype": "ALL", "selectcount": str(len(item.sequence)),
                               "gradingtype": "RELATIVE_ALL_PREVIOUS_AND_NEXT", "showgrading": "SHOW",
                               "numberingstyle": "none"})
        answers = [xml.answer(n, xml.html(text)) for n, text in enumerate(item.sequence, start=1)]
        return xml.question("ordering", item.prompt, settings + xml.combined_feedback("1") + answers)

    def to_qti(self, item: Item, qti) -> str:
        """Each element matched to its position; the elements listed in an order that is never the answer."""
        shown = sorted(item.sequence, key=element_id)
        if shown == list(item.sequence):
            shown = shown[1:] + shown[:1]
        positions = [str(n) for n in range(1, len(shown) + 1)]
        qti.pairs(item, [(text, str(item.sequence.index(text) + 1)) for text in shown], positions)
        return item.prompt + "<p><em>Give each its position in the order: 1 for the first.</em></p>"

    def qti_note(self, item: Item) -> str | None:
        return (f"{item.id}: ordering became matching (each element to its position); "
                "Canvas Classic Quizzes has no ordering question")

    def to_csv(self, item: Item, csv) -> tuple[str, list[str], list[str]]:
        """The key as ``1. text``, a line per element in order."""
        return csv.plain(item.prompt), [], [f"{n}. {text}" for n, text in enumerate(item.sequence, start=1)]
