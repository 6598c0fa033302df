"""Essay: a written answer a teacher marks with the rubric.

In a module file: ``rubric:`` with the levels proficient, emergent and basic, each a ``descriptor``, a ``sample``
answer and its ``points`` (3, 2, 1 unless given). The answer is text of at most 20,000 characters; grading leaves
it pending (``Grade(None)``) until a teacher chooses a level in the grading queue, which scores it
:func:`rubric_score`. Exported as Moodle ``essay`` with the rubric as information for graders, Canvas
``essay_question`` (no rubric: said in the assessment) and GIFT ``{}`` (a comment says the rubric is not carried).
The quiz page shows a text area and the rubric's descriptors (``items/essay.html``); quiz.js sends the text.
"""
from __future__ import annotations

from dataclasses import asdict

from .base import Grade, Item, ItemType, Level

LIMIT = 20_000
MOODLE_ESSAY = {"responseformat": "editor", "responserequired": "1", "responsefieldlines": "15", "attachments": "0",
                "attachmentsrequired": "0"}


def rubric_score(item: Item, level: str) -> float:
    """An essay's score (fraction of its points) for the rubric level a teacher chose."""
    chosen = next(lv for lv in item.rubric if lv.level == level)
    top = max(lv.points for lv in item.rubric)
    return chosen.points / top if top else 0.0


class Essay(ItemType):
    name, label, template = "essay", "Written answer", "items/essay.html"
    fields = frozenset({"rubric"})
    manual = True
    qti_type = "essay_question"

    def parse(self, reader) -> dict | None:
        rubric = reader.rubric()
        return {"rubric": rubric} if rubric else None

    def to_json(self, item: Item) -> dict:
        return {"rubric": [asdict(level) for level in item.rubric]}

    def from_json(self, data: dict) -> dict:
        return {"rubric": tuple(Level(**level) for level in data.get("rubric", ()))}

    def key(self, item: Item) -> None:
        return None

    def grade(self, item: Item, answer: object) -> Grade:
        return Grade(None)

    def answer_problem(self, item: Item, answer: object) -> str | None:
        if not isinstance(answer, str):
            return "Send the answer as text."
        return None if len(answer) <= LIMIT else f"An answer here is at most {LIMIT:,} characters."

    def student_view(self, item: Item, layout: dict) -> dict:
        return {"rubric": [{"level": level.level, "descriptor": level.descriptor} for level in item.rubric]}

    def key_text(self, item: Item) -> str:
        return ""

    def printed_key(self, item: Item, view: dict) -> str:
        return "See the rubric."

    def to_gift(self, item: Item, gift) -> tuple[str, str, str]:
        return item.prompt, "", ""

    def to_moodle_xml(self, item: Item, xml):
        levels = "".join(f"<h4>{xml.html(level.level.capitalize())} ({xml.number(level.points)} points)</h4>"
                         f"<p>{level.descriptor}</p><p><em>Sample answer:</em></p>{level.sample}"
                         for level in item.rubric)
        rubric = [xml.formatted("graderinfo", f"<h3>Rubric</h3>{levels}"), xml.formatted("responsetemplate", "")]
        return xml.question("essay", item.prompt, xml.fields(MOODLE_ESSAY) + rubric)

    def to_qti(self, item: Item, qti) -> str:
        qti.text_response()
        qti.condition([qti.element("other")])
        return item.prompt

    def qti_note(self, item: Item) -> str | None:
        return (f"{item.id}: the rubric is not included (Canvas Classic Quizzes has no notes for graders); "
                "the CSV and Moodle XML exports have it")

    def to_csv(self, item: Item, csv) -> tuple[str, list[str], list[str]]:
        """The rubric as the key, a level a line."""
        return csv.plain(item.prompt), [], [
            f"{level.level} ({csv.number(level.points)} points): {csv.plain(level.descriptor)} "
            f"Sample: {csv.plain(level.sample)}" for level in item.rubric]
