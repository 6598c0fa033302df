"""Short answer: a few typed words.

In a module file: ``accept:``, the accepted answers. The answer is a string of at most 1,000 characters, right
when it equals an accepted one once case, accents, punctuation and extra spaces are set aside
(:func:`normalize_answer`). Exported as Moodle ``shortanswer`` (case ignored; ``*`` escaped, Moodle's wildcard),
Canvas ``short_answer_question`` and GIFT ``=answer``. The quiz page shows a text field (``items/short.html``);
quiz.js sends its text.
"""
from __future__ import annotations

from .base import Grade, Item, ItemType, normalize_answer

LIMIT = 1000


class Short(ItemType):
    name, label, template = "short", "Short answer", "items/short.html"
    fields = frozenset({"accept"})
    qti_type = "short_answer_question"

    def parse(self, reader) -> dict | None:
        accept = reader.fields.texts("accept")
        if not accept:
            reader.error(reader.fields.line_of("accept"),
                         f"{reader.where}: a short-answer item needs at least one accepted answer")
            return None
        return {"accept": tuple(accept)}

    def to_json(self, item: Item) -> dict:
        return {"accept": list(item.accept)}

    def from_json(self, data: dict) -> dict:
        return {"accept": tuple(data.get("accept", ()))}

    def key(self, item: Item) -> list[str]:
        return list(item.accept)

    def grade(self, item: Item, answer: object) -> Grade:
        accepted = {normalize_answer(a) for a in item.accept}
        return Grade(1.0 if normalize_answer(answer or "") in accepted else 0.0)

    def answer_problem(self, item: Item, answer: object) -> str | None:
        if not isinstance(answer, str):
            return "Send the answer as text."
        return None if len(answer) <= LIMIT else f"An answer here is at most {LIMIT:,} characters."

    def student_view(self, item: Item, layout: dict) -> dict:
        return {}

    def key_text(self, item: Item) -> str:
        return item.accept[0] if item.accept else ""

    def printed_key(self, item: Item, view: dict) -> str:
        return " / ".join(item.accept)

    def to_gift(self, item: Item, gift) -> tuple[str, str, str]:
        return item.prompt, gift.accepted(item.accept), ""

    def to_moodle_xml(self, item: Item, xml):
        answers = [xml.answer(100, xml.literal(text), format="moodle_auto_format") for text in item.accept]
        return xml.question("shortanswer", item.prompt, xml.fields({"usecase": "0"}) + answers)

    def to_qti(self, item: Item, qti) -> str:
        qti.text_response()
        qti.condition([qti.varequal("response1", text) for text in item.accept], score="100")
        return item.prompt

    def to_csv(self, item: Item, csv) -> tuple[str, list[str], list[str]]:
        return csv.plain(item.prompt), [], list(item.accept)
