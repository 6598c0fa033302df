"""True or false: a statement to judge.

In a module file: ``answer: true`` or ``false`` and optional ``feedback: {true: …, false: …}``; it becomes two
options with the ids ``true`` and ``false`` (in that order, never shuffled), graded as a single choice. Exported as
Moodle and GIFT ``truefalse`` and Canvas ``true_false_question``. The quiz page shows two radios, drawn as a single
choice's are (``items/single.html``); quiz.js sends the checked one's value.
"""
from __future__ import annotations

from .base import Item, Option
from .single import Single


class TrueFalse(Single):
    name, label = "truefalse", "True or false"          # drawn by the single choice's template
    fields = frozenset({"answer", "feedback"})
    qti_type = "true_false_question"
    shuffled = False

    def parse(self, reader) -> dict | None:
        fields, where = reader.fields, reader.where
        answer = fields.data.get("answer")
        if not isinstance(answer, bool):
            reader.error(fields.line_of("answer"), f"{where}: 'answer' should be true or false")
            return None
        feedback = fields.data.get("feedback") or {}
        if not isinstance(feedback, dict) or set(feedback) - {True, False, "true", "false"}:
            reader.error(fields.line_of("feedback"), f"{where}: 'feedback' should have the keys true and false")
            feedback = {}
        notes = {str(k).lower(): str(v).strip() for k, v in feedback.items()}
        return {"options": (Option("true", "True", answer is True, notes.get("true")),
                            Option("false", "False", answer is False, notes.get("false")))}

    def printed_key(self, item: Item, view: dict) -> str:
        return "True" if self.key(item) == "true" else "False"

    def to_gift(self, item: Item, gift) -> tuple[str, str, str]:
        """``TRUE`` or ``FALSE``, then the feedback for a wrong answer and for a right one."""
        right = next(o for o in item.options if o.correct)
        wrong = next(o for o in item.options if not o.correct)
        feedback = [gift.escape(wrong.feedback or ""), gift.escape(right.feedback or "")]
        return item.prompt, right.id.upper() + ("".join("#" + text for text in feedback) if any(feedback) else ""), ""

    def to_moodle_xml(self, item: Item, xml):
        answers = [xml.answer(100 if o.correct else 0, o.id, o.feedback, "moodle_auto_format") for o in item.options]
        return xml.question("truefalse", item.prompt, answers)

    def to_csv(self, item: Item, csv) -> tuple[str, list[str], list[str]]:
        return csv.plain(item.prompt), [o.text for o in item.options], [o.text for o in item.options if o.correct]
