"""Matching: pair each left-hand text with its right-hand one.

In a module file: ``pairs:``, at least three ``{left, right}`` with every text different, and optional
``distractors:`` (extra right-hand texts). The answer maps left ids to right ids (:func:`element_id` of ``"L:"`` and
``"R:"`` + the text); a point share per right pair. The right-hand choices are offered in a fixed order that does not
follow the key (:meth:`Matching.right_options`), shuffled per attempt and per printed form.

Exported as Moodle ``matching`` (a distractor is a subquestion with empty text), Canvas ``matching_question`` and
GIFT ``=left -> right`` (a distractor with an empty left side). The quiz page shows a select per left-hand text
(``items/matching.html``, ``data-left`` its id); quiz.js sends ``{data-left: chosen value}`` for the chosen ones.
"""
from __future__ import annotations

from .base import Grade, Item, ItemType, Pair, element_id


class Matching(ItemType):
    name, label, template = "matching", "Matching", "items/matching.html"
    fields = frozenset({"pairs", "distractors"})
    qti_type = "matching_question"

    @staticmethod
    def right_options(item: Item) -> list[tuple[str, str]]:
        """Every right-hand choice (id, text), in a fixed order that does not follow the key."""
        choices = {element_id("R:" + r): r for r in (*(p.right for p in item.pairs), *item.distractors)}
        return sorted(choices.items())

    # --- the module file ---------------------------------------------------------------------------------------------
    def parse(self, reader) -> dict | None:
        fields, where = reader.fields, reader.where
        pairs = []
        for value, line in fields.items("pairs"):
            entry = reader.entry(value, f"{where}: pair", line, {"left", "right"})
            left, right = entry.text("left"), entry.text("right")
            if left and right:
                pairs.append(Pair(left, right))
        distractors = tuple(fields.texts("distractors", required=False))
        lefts, rights = [p.left for p in pairs], [p.right for p in pairs] + list(distractors)
        if len(pairs) < 3:
            reader.error(fields.line_of("pairs"), f"{where}: a matching item needs at least three pairs")
            return None
        if len(set(lefts)) != len(lefts) or len(set(rights)) != len(rights):
            reader.error(fields.line_of("pairs"), f"{where}: every left and right text must be different")
            return None
        return {"pairs": tuple(pairs), "distractors": distractors}

    def to_json(self, item: Item) -> dict:
        return {"pairs": [{"left": p.left, "right": p.right, "left_id": p.left_id, "right_id": p.right_id}
                          for p in item.pairs],
                "distractors": list(item.distractors)}

    def from_json(self, data: dict) -> dict:
        return {"pairs": tuple(Pair(p["left"], p["right"]) for p in data.get("pairs", ())),
                "distractors": tuple(data.get("distractors", ()))}

    # --- grading -----------------------------------------------------------------------------------------------------
    def key(self, item: Item) -> dict[str, str]:
        return {p.left_id: p.right_id for p in item.pairs}

    def grade(self, item: Item, answer: object) -> Grade:
        given = answer if isinstance(answer, dict) else {}
        parts = tuple(given.get(p.left_id) == p.right_id for p in item.pairs)
        return Grade(sum(parts) / len(parts) if parts else 0.0, (), parts)

    def answer_problem(self, item: Item, answer: object) -> str | None:
        lefts, rights = {p.left_id for p in item.pairs}, {rid for rid, _ in self.right_options(item)}
        if not isinstance(answer, dict) or not all(k in lefts and isinstance(v, str) and v in rights
                                                   for k, v in answer.items()):
            return "Send an object that maps this question's left-hand items to its right-hand choices."
        return None

    # --- what a student sees -----------------------------------------------------------------------------------------
    def arrange(self, item: Item, rng, shuffle_options: bool, opaque_ids: bool) -> dict:
        ids = [rid for rid, _ in self.right_options(item)]
        rng.shuffle(ids)                    # always: the fixed order would be the same for every student
        return {"options": ids}

    def student_view(self, item: Item, layout: dict) -> dict:
        rights = dict(self.right_options(item))
        return {"lefts": [{"id": p.left_id, "text": p.left} for p in item.pairs],
                "rights": [{"id": rid, "text": rights[rid]} for rid in layout["options"].get(item.id, list(rights))]}

    def shown_value(self, value: object) -> object:
        return value if isinstance(value, dict) else None

    def answer_from_form(self, view: dict, values: list[str]) -> object:
        return {left["id"]: value for left, value in zip(view["lefts"], values) if value}

    # --- answers and keys in words -----------------------------------------------------------------------------------
    def answer_text(self, item: Item, value: object) -> str:
        rights, given = dict(self.right_options(item)), value if isinstance(value, dict) else {}
        return "; ".join(f"{p.left} → {rights.get(given.get(p.left_id), '—')}" for p in item.pairs)

    def key_text(self, item: Item) -> str:
        return "; ".join(f"{p.left} → {p.right}" for p in item.pairs)

    def printed_key(self, item: Item, view: dict) -> str:
        """Each left-hand number with the letter of its right-hand text on the form: "1–C; 2–A; 3–D"."""
        letters = {r["id"]: chr(65 + n) for n, r in enumerate(view["rights"])}
        return "; ".join(f"{n + 1}–{letters[p.right_id]}" for n, p in enumerate(item.pairs))

    # --- exports -----------------------------------------------------------------------------------------------------
    def to_gift(self, item: Item, gift) -> tuple[str, str, str]:
        """``=left -> right`` per pair; a distractor as ``= -> right``, which Moodle keeps as an extra answer."""
        pairs = [f"\n\t={gift.escape(gift.html(p.left))} -> {gift.escape(p.right)}" for p in item.pairs]
        return item.prompt, "".join(pairs + [f"\n\t= -> {gift.escape(text)}" for text in item.distractors]), ""

    def to_moodle_xml(self, item: Item, xml):
        pairs = [(xml.html(p.left), p.right) for p in item.pairs] + [("", d) for d in item.distractors]
        subquestions = []
        for left, right in pairs:
            subquestion = xml.formatted("subquestion", left)
            xml.sub(subquestion, "answer").append(xml.text(right))
            subquestions.append(subquestion)
        return xml.question("matching", item.prompt,
                            xml.fields({"shuffleanswers": "true"}) + xml.combined_feedback() + subquestions)

    def to_qti(self, item: Item, qti) -> str:
        qti.pairs(item, [(p.left, p.right) for p in item.pairs], [text for _, text in self.right_options(item)])
        return item.prompt

    def to_csv(self, item: Item, csv) -> tuple[str, list[str], list[str]]:
        """The right-hand texts to choose from; the key as ``left → right``."""
        return (csv.plain(item.prompt), [text for _, text in self.right_options(item)],
                [f"{p.left} → {p.right}" for p in item.pairs])
