"""Multiple response: tick every right option.

In a module file: ``options:`` as for single choice, at least one correct. The answer is a list of option ids; the
score is (right ticked − wrong ticked) ÷ right options, never below zero, with the feedback of every ticked option.
Exported as Moodle ``multichoice`` (several answers; each right option 100 ÷ right options, each wrong one as much
off, as Corroborate grades), Canvas ``multiple_answers_question`` and GIFT ``~%50%``. The quiz page shows checkboxes
(``items/multiple.html``); quiz.js sends the values of the checked ones, in page order.
"""
from __future__ import annotations

from .base import Grade, Item
from .choices import Choices


class Multiple(Choices):
    name, label, template = "multiple", "Multiple response", "items/multiple.html"
    fields = frozenset({"options"})
    qti_type = "multiple_answers_question"
    several = True

    def parse(self, reader) -> dict | None:
        options = self.read_options(reader)
        if options is None:
            return None
        if not any(o.correct for o in options):
            reader.error(reader.fields.line_of("options"),
                         f"{reader.where}: a multiple-response item needs a correct option")
            return None
        return {"options": options}

    def key(self, item: Item) -> list[str]:
        return [o.id for o in item.options if o.correct]

    def grade(self, item: Item, answer: object) -> Grade:
        chosen = set(answer) if isinstance(answer, (list, tuple, set)) else set()
        correct = [o for o in item.options if o.correct]
        right = sum(1 for o in correct if o.id in chosen)
        wrong = sum(1 for o in item.options if not o.correct and o.id in chosen)
        score = max(right - wrong, 0) / len(correct) if correct else 0.0
        feedback = tuple(o.feedback for o in item.options if o.id in chosen and o.feedback)
        return Grade(score, feedback, tuple((o.id in chosen) == o.correct for o in item.options))

    def answer_problem(self, item: Item, answer: object) -> str | None:
        ids = {o.id for o in item.options}
        if not isinstance(answer, list) or not all(isinstance(a, str) and a in ids for a in answer) \
                or len(set(answer)) != len(answer):
            return "Send a list of this question's choices, each once."
        return None

    def shown_value(self, value: object) -> object:
        return [v for v in value if isinstance(v, str)] if isinstance(value, list) else None

    def answer_from_form(self, view: dict, values: list[str]) -> object:
        return list(values)

    def answer_text(self, item: Item, value: object) -> str:
        chosen = value if isinstance(value, (list, tuple)) else ()
        return "; ".join(o.text for o in item.options if o.id in chosen) or "(none chosen)"

    def to_gift(self, item: Item, gift) -> tuple[str, str, str]:
        grades = gift.choice_grades(item)
        return item.prompt, "".join(gift.option(f"~%{gift.number(grades[o.id])}%", o.text, o.feedback)
                                    for o in item.options), ""

    def to_moodle_xml(self, item: Item, xml):
        return self.multichoice(item, xml, xml.choice_grades(item))
