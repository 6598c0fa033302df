"""Quiz items: the model every part of Corroborate shares, and one module per item type.

``base.py`` holds the :class:`Item` dataclass (what module files load into and snapshots store), its pieces
(:class:`Option`, :class:`Pair`, :class:`Blank`, :class:`Level`, :class:`Grade`, :func:`element_id`) and
:class:`ItemType`, the interface of a type. Each type is one class in a module of its own — its module-file schema
and checks, snapshot JSON, grading, answer checks, the student's keyless view, the answer from a form, keys in words
and its export mappings — and one Jinja template, ``templates/items/<type>.html``, for the quiz page, the printed
handout and the review of an answer (the student's review and the teacher's attempt view). ``labels.py`` gives
every item of a quiz its stable label ("Q3 · Who is speaking?"). Types are registered below, in the order pages
and messages list them; ``item.kind`` is an item's type.

A ninth type is one more module here (a subclass of :class:`ItemType`), its template, and its line below.

Both ``curriculum`` (which reads items from module files) and ``quiz`` (attempts, generation, exports) depend on this
package; it depends on neither, and never imports Flask.
"""
from __future__ import annotations

from .base import TYPES, Blank, Grade, Item, ItemType, Level, Option, Pair, element_id, normalize_answer, register
from .cloze import Cloze
from .essay import Essay, rubric_score
from .matching import Matching
from .multiple import Multiple
from .ordering import Ordering
from .short import Short
from .single import Single
from .truefalse import TrueFalse

for _kind in (Single, Multiple, TrueFalse, Matching, Ordering, Short, Cloze, Essay):
    register(_kind)


def grade(item: Item, answer: object) -> Grade:
    """``answer`` (in the written ids) graded: the score is a fraction from 0 to 1 of the item's points."""
    return item.kind.grade(item, answer)


def answer_problem(item: Item, answer: object) -> str | None:
    """Why ``answer`` is not an answer of this item's shape (a reason for the student's browser), or None. An empty
    answer (``None``) is always allowed: it clears what was saved."""
    return None if answer is None else item.kind.answer_problem(item, answer)


__all__ = ["TYPES", "Blank", "Grade", "Item", "ItemType", "Level", "Option", "Pair", "answer_problem",
           "element_id", "grade", "normalize_answer", "register", "rubric_score"]
