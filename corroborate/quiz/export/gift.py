"""Moodle GIFT (https://docs.moodle.org/en/GIFT_format): a text file Moodle's question import reads.

Each skill of the module becomes a ``$CATEGORY``; each item a question named ``::<item id>::`` with an ``[html]``
prompt, feedback per answer (``#``) and general feedback (``####``: the explanation and the citations of the item's
excerpts). What GIFT cannot express is written as a ``//`` comment where the item would be, never dropped unsaid:

* ordering, and cloze with more than one blank, are skipped (Moodle XML carries both natively);
* a cloze with one blank becomes GIFT's "missing word" question (a short answer with the blank in the text);
* matching distractors are written as pairs with an empty left side, which Moodle keeps as extra answers;
* an essay's rubric and any mark other than 1 are noted (GIFT has no syntax for either);
* the file's header says what Moodle XML keeps and GIFT does not (see :data:`LOST_IN_GIFT`).

Option texts, matching left-hand texts and cloze text are plain text in the model and HTML in an ``[html]``
question, so they are HTML-escaped; short answers and matching right-hand texts stay plain (Moodle compares or
shows them as typed). Every text is then escaped for GIFT.
"""
from __future__ import annotations

import html
from collections.abc import Iterable

from ...curriculum.model import Module
from ...quiz.items import Item
from .common import Sources, by_skill, category, choice_grades, general_feedback, literal, number

SPECIAL = "~=#{}:"
# The header's note for teachers: what Moodle's GIFT import of this file loses that the Moodle XML export keeps.
LOST_IN_GIFT = (
    "GIFT carries less than the Moodle XML export of this quiz. Moodle's GIFT import gives every question a mark",
    "of 1, every true/false question a penalty of 1, and an essay no information for graders, so the rubric is lost;",
    "ordering questions and clozes with more than one blank are skipped below. Moodle XML keeps every question type,",
    "each question's mark and penalty, and each essay's rubric as information for graders.",
)


def escape(text: str) -> str:
    r"""``text`` with GIFT's special characters (``~ = # { } :`` and ``\``) escaped, and line breaks as ``\n``."""
    text = text.replace("\\", "\\\\")
    for char in SPECIAL:
        text = text.replace(char, "\\" + char)
    return text.replace("\r", "").replace("\n", "\\n")


def to_gift(module: Module, items: Iterable[Item], sources: Sources | None = None) -> str:
    """The items as GIFT text, one category per skill."""
    blocks = [f"// {module.title}\n// Corroborate module {module.id}, version {module.version or 'unversioned'}\n"
              + "\n".join(f"// {line}" for line in LOST_IN_GIFT)]
    for skill, group in by_skill(items):
        if any(_unsupported(item) is None for item in group):
            blocks.append(f"$CATEGORY: {category(module, skill)}")
        for item in group:
            reason = _unsupported(item)
            blocks.append(f"// skipped: {item.id} ({reason}; use Moodle XML)" if reason
                          else _question(module, item, sources))
    return "\n\n".join(blocks) + "\n"


def _unsupported(item: Item) -> str | None:
    if item.type == "ordering":
        return "ordering is not supported by GIFT"
    if item.type == "cloze" and len(item.blanks) > 1:
        return f"a cloze with {len(item.blanks)} blanks is not supported by GIFT, which allows one"
    return None


def _question(module: Module, item: Item, sources: Sources | None) -> str:
    notes = []
    if item.points != 1:
        notes.append(f"// note: {item.id} is worth {number(item.points)} points; GIFT cannot set a mark, "
                     "so set it in the quiz")
    if item.type == "essay":
        notes.append(f"// note: {item.id} has a rubric, which GIFT cannot carry; Moodle XML gives it to graders")
    text, after = _texts(item)
    feedback = general_feedback(module, item, sources)
    answers = ANSWERS[item.type](item) + (f"\n\t####{escape(feedback)}" if feedback else "")
    return "\n".join([*notes, f"::{escape(item.id)}::[html]{escape(text)}{{{answers}\n}}{escape(after)}"])


def _texts(item: Item) -> tuple[str, str]:
    """The HTML before and after the answers: the prompt, or for a one-blank cloze the text around the blank."""
    if item.type != "cloze":
        return item.prompt, ""
    at = item.cloze.index(item.blanks[0])
    before = "".join(html.escape(piece, quote=False) for piece in item.cloze[:at])
    after = "".join(html.escape(piece, quote=False) for piece in item.cloze[at + 1:])
    return f"{item.prompt}<p>{before}", f"{after}</p>"


def _option(mark: str, text: str, feedback: str | None) -> str:
    return f"\n\t{mark}{escape(html.escape(text, quote=False))}" + (f"#{escape(feedback)}" if feedback else "")


def _single(item: Item) -> str:
    return "".join(_option("=" if o.correct else "~", o.text, o.feedback) for o in item.options)


def _multiple(item: Item) -> str:
    grades = choice_grades(item)
    return "".join(_option(f"~%{number(grades[o.id])}%", o.text, o.feedback) for o in item.options)


def _truefalse(item: Item) -> str:
    """``TRUE`` or ``FALSE``, then the feedback for a wrong answer and for a right one."""
    right = next(o for o in item.options if o.correct)
    wrong = next(o for o in item.options if not o.correct)
    feedback = [escape(wrong.feedback or ""), escape(right.feedback or "")]
    return right.id.upper() + ("".join("#" + text for text in feedback) if any(feedback) else "")


def _matching(item: Item) -> str:
    pairs = [f"\n\t={escape(html.escape(p.left, quote=False))} -> {escape(p.right)}" for p in item.pairs]
    return "".join(pairs + [f"\n\t= -> {escape(text)}" for text in item.distractors])


def _accepted(texts: Iterable[str]) -> str:
    return "".join(f"\n\t={escape(literal(text))}" for text in texts)


ANSWERS = {
    "single": _single,
    "multiple": _multiple,
    "truefalse": _truefalse,
    "matching": _matching,
    "short": lambda item: _accepted(item.accept),
    "cloze": lambda item: _accepted(item.blanks[0].accept),
    "essay": lambda item: "",
}
