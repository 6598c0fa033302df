"""Moodle XML (https://docs.moodle.org/en/Moodle_XML_format): every item type, as Moodle's own question types.

single/multiple → ``multichoice`` (``<single>`` true/false; a multiple-response item's right options share 100% and
each wrong one costs one right option's share), truefalse → ``truefalse``, matching → ``matching`` (a distractor is
a ``<subquestion>`` with empty text), ordering → ``ordering`` (in Moodle core since 4.4, a plugin before; answers in
the right order, graded on every pair of elements like Corroborate), short → ``shortanswer`` (case ignored), cloze →
``cloze``, Moodle's name for an embedded-answers (multianswer) question, each blank a ``{w:SHORTANSWER:=a~=b}``;
essay → ``essay`` with the rubric as information for graders.

Each skill becomes a category; each question is named by its item id, has the item's points as its default mark
(a cloze's mark is the sum of its blanks' weights, so each blank weighs points/blanks when that is whole, else 1),
feedback per answer and general feedback with the citations of the item's excerpts.

Each question carries the elements Moodle's own export writes for its type (``qformat_xml::writequestion`` and
``qtype_ordering::export_to_xml``), so that Moodle's import finds every one it reads: the common ``<name>`` to
``<idnumber>`` (empty, as Moodle writes a question without one), and for multichoice, matching and ordering the
overall feedback (``<correctfeedback>`` etc., empty) and ``<shownumcorrect>``. An ordering question needs
``<shownumcorrect>1</shownumcorrect>``: without it Moodle's ordering import (seen in 4.5.5) adds two hints with no
text, and saving them fails on PostgreSQL (``hintformat`` is NOT NULL). An essay leaves out the word limits and
the attachments' file types and size, which Moodle's import then leaves unset (it takes no attachments anyway), and
a cloze's ``<defaultgrade>`` is ignored by Moodle, which adds up the blanks' weights.

The file, categories and the elements every question has are written here; what is particular to a type, by the
type (``to_moodle_xml`` in ``corroborate/items/<type>.py``, with the :class:`Writer`'s helpers).
"""
from __future__ import annotations

import html
from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from ...curriculum.model import Module
from ...items import Item
from .common import Sources, by_skill, category, choice_grades, general_feedback, literal, number

Element = etree._Element
COMBINED_FEEDBACK = ("correctfeedback", "partiallycorrectfeedback", "incorrectfeedback")
# An embedded answer's special characters: Moodle HTML-decodes the answer, then reads \} and \# as } and #.
# "~" would end the answer and a backslash would stay in it, so they (and "/") go as character references, and
# "&" as &#38; because an answer may not end in "&amp;".
EMBEDDED = {"}": "\\}", "#": "\\#", "~": "&#126;", "\\": "&#92;", "/": "&#47;", "&": "&#38;", "<": "&lt;",
            ">": "&gt;", '"': "&quot;"}


def to_moodle_xml(module: Module, items: Iterable[Item], sources: Sources | None = None) -> bytes:
    """The items as a Moodle XML ``<quiz>`` document (UTF-8), one category per skill."""
    quiz = etree.Element("quiz")
    quiz.append(etree.Comment(f" Exported from Corroborate, module version {module.version or 'unversioned'}. "
                              "Ordering questions need Moodle 4.4 or the qtype_ordering plugin. "))
    for skill, group in by_skill(items):
        etree.SubElement(etree.SubElement(quiz, "question", type="category"), "category").append(
            _text(category(module, skill)))
        for item in group:
            quiz.append(_question(module, item, sources))
    return etree.tostring(quiz, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def embedded(answer: str) -> str:
    """One answer as written inside a cloze's ``{1:SHORTANSWER:=…}``, so that Moodle reads back ``answer``."""
    return "".join(EMBEDDED.get(char, char) for char in literal(answer))


def _text(value: str) -> Element:
    text = etree.Element("text")
    text.text = value
    return text


def _formatted(tag: str, value: str) -> Element:
    """``<tag format="html"><text>value</text></tag>``."""
    element = etree.Element(tag, format="html")
    element.append(_text(value))
    return element


def _fields(values: dict[str, str]) -> list[Element]:
    """``<tag>value</tag>`` for each entry, in order."""
    fields = [etree.Element(tag) for tag in values]
    for field, value in zip(fields, values.values()):
        field.text = value
    return fields


def _answer(fraction: float, text: str, feedback: str | None = None, format: str = "html") -> Element:
    answer = etree.Element("answer", fraction=number(fraction), format=format)
    answer.append(_text(text))
    if feedback:
        answer.append(_formatted("feedback", feedback))
    return answer


def _combined_feedback(shownumcorrect: str | None = None) -> list[Element]:
    """The overall feedback for a right, partly right and wrong response (empty), then ``<shownumcorrect>`` ("show
    the number of correct responses", on as in a new Moodle question): an empty one for multichoice and matching,
    whose import only asks whether it is there, ``1`` for ordering, whose import reads its value."""
    shown = etree.Element("shownumcorrect")
    shown.text = shownumcorrect
    return [_formatted(field, "") for field in COMBINED_FEEDBACK] + [shown]


@dataclass(frozen=True)
class Question:
    """What an item type gives for its question: the Moodle question type, the question text (HTML), the elements
    that follow the common ones, and the default mark when it is not the item's points."""

    type: str
    text: str
    details: list[Element]
    mark: float | None = None


class Writer:
    """What an item type's ``to_moodle_xml`` (in ``corroborate/items/<type>.py``) builds its question with."""

    question = Question
    text = staticmethod(_text)
    formatted = staticmethod(_formatted)
    fields = staticmethod(_fields)
    answer = staticmethod(_answer)
    combined_feedback = staticmethod(_combined_feedback)
    embedded = staticmethod(embedded)
    choice_grades = staticmethod(choice_grades)
    literal = staticmethod(literal)
    number = staticmethod(number)
    sub = staticmethod(etree.SubElement)

    @staticmethod
    def html(text: str) -> str:
        """A plain text of the model as HTML."""
        return html.escape(text, quote=False)


def _question(module: Module, item: Item, sources: Sources | None) -> Element:
    built = item.kind.to_moodle_xml(item, Writer)
    question = etree.Element("question", type=built.type)
    etree.SubElement(question, "name").append(_text(item.id))
    question.append(_formatted("questiontext", built.text))
    question.append(_formatted("generalfeedback", general_feedback(module, item, sources)))
    mark = item.points if built.mark is None else built.mark
    question.extend(_fields({"defaultgrade": number(mark), "penalty": "0.3333333", "hidden": "0", "idnumber": ""}))
    question.extend(built.details)
    return question
