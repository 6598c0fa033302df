"""Single choice: one right option among several.

In a module file: ``options:``, a list of ``{text, correct: true, feedback}`` with exactly one correct. The answer
is an option id (``"b"``); right or wrong, with the chosen option's feedback. Exported as Moodle ``multichoice``
(one answer), Canvas ``multiple_choice_question`` and GIFT ``=right ~wrong``. The quiz page shows radios
(``items/single.html``); quiz.js sends the checked radio's value.
"""
from __future__ import annotations

from .base import Grade, Item
from .choices import Choices


class Single(Choices):
    name, label, template = "single", "Single choice", "items/single.html"
    fields = frozenset({"options"})
    qti_type = "multiple_choice_question"

    def parse(self, reader) -> dict | None:
        options = self.read_options(reader)
        if options is None:
            return None
        correct = sum(o.correct for o in options)
        if correct != 1:
            reader.error(reader.fields.line_of("options"),
                         f"{reader.where}: a single-choice item needs exactly one correct option (found {correct})")
            return None
        return {"options": options}

    def key(self, item: Item) -> str:
        return next(o.id for o in item.options if o.correct)

    def grade(self, item: Item, answer: object) -> Grade:
        chosen = next((o for o in item.options if o.id == answer), None)
        if chosen is None:
            return Grade(0.0)
        return Grade(1.0 if chosen.correct else 0.0, tuple(filter(None, [chosen.feedback])))

    def answer_problem(self, item: Item, answer: object) -> str | None:
        if isinstance(answer, str) and any(o.id == answer for o in item.options):
            return None
        return "That is not one of this question's choices."

    def to_gift(self, item: Item, gift) -> tuple[str, str, str]:
        return item.prompt, "".join(gift.option("=" if o.correct else "~", o.text, o.feedback)
                                    for o in item.options), ""

    def to_moodle_xml(self, item: Item, xml):
        return self.multichoice(item, xml, {o.id: 100 if o.correct else 0 for o in item.options})
