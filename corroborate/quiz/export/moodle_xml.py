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
"""
from __future__ import annotations

import html
from collections.abc import Iterable

from lxml import etree

from ...curriculum.model import Module
from ...quiz.items import Blank, Item
from .common import Sources, by_skill, category, choice_grades, general_feedback, literal, number

Element = etree._Element
ESSAY = {"responseformat": "editor", "responserequired": "1", "responsefieldlines": "15", "attachments": "0",
         "attachmentsrequired": "0"}
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


def _question(module: Module, item: Item, sources: Sources | None) -> Element:
    qtype, text, details = BUILDERS[item.type](item)
    question = etree.Element("question", type=qtype)
    etree.SubElement(question, "name").append(_text(item.id))
    question.append(_formatted("questiontext", text))
    question.append(_formatted("generalfeedback", general_feedback(module, item, sources)))
    mark = len(item.blanks) * _blank_weight(item) if item.type == "cloze" else item.points
    question.extend(_fields({"defaultgrade": number(mark), "penalty": "0.3333333", "hidden": "0", "idnumber": ""}))
    question.extend(details)
    return question


def _choices(item: Item) -> tuple[str, str, list[Element]]:
    single = item.type == "single"
    grades = {o.id: 100 if o.correct else 0 for o in item.options} if single else choice_grades(item)
    settings = _fields({"single": "true" if single else "false", "shuffleanswers": "true", "answernumbering": "abc",
                        "showstandardinstruction": "1"})
    answers = [_answer(grades[o.id], html.escape(o.text, quote=False), o.feedback) for o in item.options]
    return "multichoice", item.prompt, settings + _combined_feedback() + answers


def _truefalse(item: Item) -> tuple[str, str, list[Element]]:
    answers = [_answer(100 if o.correct else 0, o.id, o.feedback, "moodle_auto_format") for o in item.options]
    return "truefalse", item.prompt, answers


def _matching(item: Item) -> tuple[str, str, list[Element]]:
    pairs = [(html.escape(p.left, quote=False), p.right) for p in item.pairs] + [("", d) for d in item.distractors]
    subquestions = []
    for left, right in pairs:
        subquestion = _formatted("subquestion", left)
        etree.SubElement(subquestion, "answer").append(_text(right))
        subquestions.append(subquestion)
    return "matching", item.prompt, _fields({"shuffleanswers": "true"}) + _combined_feedback() + subquestions


def _ordering(item: Item) -> tuple[str, str, list[Element]]:
    settings = _fields({"layouttype": "VERTICAL", "selecttype": "ALL", "selectcount": str(len(item.sequence)),
                        "gradingtype": "RELATIVE_ALL_PREVIOUS_AND_NEXT", "showgrading": "SHOW",
                        "numberingstyle": "none"})
    answers = [_answer(n, html.escape(text, quote=False)) for n, text in enumerate(item.sequence, start=1)]
    return "ordering", item.prompt, settings + _combined_feedback("1") + answers


def _short(item: Item) -> tuple[str, str, list[Element]]:
    answers = [_answer(100, literal(text), format="moodle_auto_format") for text in item.accept]
    return "shortanswer", item.prompt, _fields({"usecase": "0"}) + answers


def _blank_weight(item: Item) -> int:
    """A cloze blank's weight: the item's points shared between its blanks when that is whole, else 1."""
    share = item.points / len(item.blanks)
    return int(share) if share >= 1 and share == int(share) else 1


def _cloze(item: Item) -> tuple[str, str, list[Element]]:
    weight = _blank_weight(item)
    pieces = []
    for piece in item.cloze:
        if isinstance(piece, Blank):
            pieces.append(f"{{{weight}:SHORTANSWER:" + "~".join("=" + embedded(a) for a in piece.accept) + "}")
        else:
            pieces.append(html.escape(piece, quote=False).replace("{", "&#123;"))
    return "cloze", f"{item.prompt}<p>{''.join(pieces)}</p>", []


def _essay(item: Item) -> tuple[str, str, list[Element]]:
    levels = "".join(f"<h4>{html.escape(level.level.capitalize())} ({number(level.points)} points)</h4>"
                     f"<p>{level.descriptor}</p><p><em>Sample answer:</em></p>{level.sample}"
                     for level in item.rubric)
    rubric = [_formatted("graderinfo", f"<h3>Rubric</h3>{levels}"), _formatted("responsetemplate", "")]
    return "essay", item.prompt, _fields(ESSAY) + rubric


BUILDERS = {
    "single": _choices,
    "multiple": _choices,
    "truefalse": _truefalse,
    "matching": _matching,
    "ordering": _ordering,
    "short": _short,
    "cloze": _cloze,
    "essay": _essay,
}
