"""Moodle GIFT (https://docs.moodle.org/en/GIFT_format): a text file Moodle's question import reads.

Each skill of the module becomes a ``$CATEGORY``; each item a question named ``::<item id>::`` with an ``[html]``
prompt, feedback per answer (``#``) and general feedback (``####``: the explanation and the citations of the item's
excerpts); each item type writes its own answers (``to_gift`` in ``corroborate/items/<type>.py``, with the
:class:`Writer`'s escaping). What GIFT cannot express is written as a ``//`` comment where the item would be, never
dropped unsaid:

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
from ...items import Item
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


class Unsupported(Exception):
    """GIFT cannot hold the item; the reason is written where the item would be."""


class Writer:
    """What an item type's ``to_gift`` (in ``corroborate/items/<type>.py``) writes its answers with."""

    Unsupported = Unsupported
    escape = staticmethod(escape)
    number = staticmethod(number)
    choice_grades = staticmethod(choice_grades)

    @staticmethod
    def html(text: str) -> str:
        """A plain text of the model as HTML for an ``[html]`` question."""
        return html.escape(text, quote=False)

    @staticmethod
    def option(mark: str, text: str, feedback: str | None) -> str:
        """An answer line: ``=right``, ``~wrong`` or ``~%50%text``, with its ``#feedback``."""
        return f"\n\t{mark}{escape(html.escape(text, quote=False))}" + (f"#{escape(feedback)}" if feedback else "")

    @staticmethod
    def accepted(texts: Iterable[str]) -> str:
        """Accepted short answers, ``=text`` each (``*`` taken literally)."""
        return "".join(f"\n\t={escape(literal(text))}" for text in texts)


def to_gift(module: Module, items: Iterable[Item], sources: Sources | None = None) -> str:
    """The items as GIFT text, one category per skill."""
    blocks = [f"// {module.title}\n// Corroborate module {module.id}, version {module.version or 'unversioned'}\n"
              + "\n".join(f"// {line}" for line in LOST_IN_GIFT)]
    for skill, group in by_skill(items):
        written = [(item, _parts(item)) for item in group]
        if any(not isinstance(parts, str) for _, parts in written):
            blocks.append(f"$CATEGORY: {category(module, skill)}")
        for item, parts in written:
            blocks.append(f"// skipped: {item.id} ({parts}; use Moodle XML)" if isinstance(parts, str)
                          else _question(module, item, parts, sources))
    return "\n\n".join(blocks) + "\n"


def _parts(item: Item) -> tuple[str, str, str] | str:
    """The item's (HTML before the answers, answers, HTML after) from its type, or why GIFT cannot hold it."""
    try:
        return item.kind.to_gift(item, Writer)
    except Unsupported as reason:
        return str(reason)


def _question(module: Module, item: Item, parts: tuple[str, str, str], sources: Sources | None) -> str:
    notes = []
    if item.points != 1:
        notes.append(f"// note: {item.id} is worth {number(item.points)} points; GIFT cannot set a mark, "
                     "so set it in the quiz")
    if item.rubric:
        notes.append(f"// note: {item.id} has a rubric, which GIFT cannot carry; Moodle XML gives it to graders")
    text, answers, after = parts
    feedback = general_feedback(module, item, sources)
    answers += f"\n\t####{escape(feedback)}" if feedback else ""
    return "\n".join([*notes, f"::{escape(item.id)}::[html]{escape(text)}{{{answers}\n}}{escape(after)}"])
