"""The item model every type shares, and :class:`ItemType`, the interface each type implements in its own module.

An :class:`Item` is one plain frozen dataclass for the eight shipped types (it is what module files load into, what
stored snapshots hold as JSON, and what the exports read); the fields a type does not use stay empty. A new type
that needs fields of its own declares them in a subclass of :class:`Item`, its :attr:`ItemType.item_class`.

What an item *does* — how it is read from a module file, graded, shown to a student, printed and exported — is its
type's: ``item.kind`` is the :class:`ItemType` registered under ``item.type`` in :data:`TYPES` (see ``__init__.py``).

Answers use ids that do not reveal the key: option ids are letters (``a``, ``b``… in the author's order; an attempt
shows opaque ids of its own, see ``quiz/present.py``), and matching and ordering use :func:`element_id` of the text.

Plain Python: no Flask, and nothing from ``curriculum`` or ``quiz``, which both build on this package.
"""
from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from abc import ABC, abstractmethod
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

TYPES: dict[str, ItemType] = {}         # type name → its ItemType, in the order they were registered


def register(kind: type[ItemType]) -> type[ItemType]:
    """Add an item type to :data:`TYPES` (a class decorator; ``__init__.py`` registers the eight shipped types)."""
    TYPES[kind.name] = kind()
    return kind


@lru_cache(maxsize=8192)            # a quiz page asks for each element's id as it shuffles and renders them
def element_id(text: str) -> str:
    """A stable id for a matching or ordering element that does not reveal its position in the key."""
    return "e" + hashlib.sha1(text.encode()).hexdigest()[:8]


def normalize_answer(text: str) -> str:
    """Compare typed answers without case, accents, punctuation or extra spaces."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


TITLE_LENGTH = 60
_BLOCK_TAG = re.compile(r"</?(?:p|br|li|ul|ol|div|blockquote|h\d|tr|td|th)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def plain_text(markup: str) -> str:
    """HTML (a built prompt) as plain text on one line: tags dropped (a block's as a space), entities decoded,
    spaces joined."""
    return " ".join(html.unescape(_TAG.sub("", _BLOCK_TAG.sub(" ", markup or ""))).split())


def title_from(prompt: str, limit: int = TITLE_LENGTH) -> str:
    """A short title from a prompt: its first words up to ``limit`` characters, cut between words (never inside
    one) and marked "…" when cut."""
    text = plain_text(prompt)
    if len(text) <= limit:
        return text
    cut = text[:limit + 1].rsplit(" ", 1)[0] if " " in text[:limit + 1] else text[:limit]
    return cut.rstrip(" ,;:.-–—(") + "…"


@dataclass(frozen=True)
class Option:
    id: str
    text: str
    correct: bool = False
    feedback: str | None = None


@dataclass(frozen=True)
class Pair:
    left: str
    right: str

    @property
    def left_id(self) -> str:
        return element_id("L:" + self.left)

    @property
    def right_id(self) -> str:
        return element_id("R:" + self.right)


@dataclass(frozen=True)
class Blank:
    accept: tuple[str, ...]


@dataclass(frozen=True)
class Level:
    level: str
    descriptor: str
    sample: str
    points: float


@dataclass(frozen=True)
class Item:
    id: str
    type: str
    prompt: str
    skill: str
    points: float = 1.0
    excerpts: tuple[str, ...] = ()
    explanation: str | None = None
    title: str | None = None                      # a short label; derived from the prompt when absent
    options: tuple[Option, ...] = ()              # single, multiple, truefalse
    pairs: tuple[Pair, ...] = ()                  # matching
    distractors: tuple[str, ...] = ()             # matching: extra right-hand options
    sequence: tuple[str, ...] = ()                # ordering, in the right order
    accept: tuple[str, ...] = ()                  # short
    cloze: tuple[str | Blank, ...] = ()           # cloze: text pieces and blanks
    rubric: tuple[Level, ...] = ()                # essay
    generated: bool = False
    line: int = 0

    @property
    def kind(self) -> ItemType:
        """This item's type: how it is graded, shown, printed and exported."""
        return TYPES[self.type]

    @property
    def short_title(self) -> str:
        """The item's short title: its ``title:``, else the first words of its prompt (:func:`title_from`)."""
        return self.title or title_from(self.prompt)

    @property
    def blanks(self) -> list[Blank]:
        return [piece for piece in self.cloze if isinstance(piece, Blank)]

    @property
    def manual(self) -> bool:
        """Scored by a teacher against the rubric rather than by :meth:`ItemType.grade`."""
        return self.kind.manual

    def key(self) -> object:
        """The correct answer, in the answer shape for this type (teacher views, exports, handout keys)."""
        return self.kind.key(self)


@dataclass(frozen=True)
class Grade:
    score: float | None                     # fraction of the points, 0..1; None until a teacher grades an essay
    feedback: tuple[str, ...] = ()
    parts: tuple[bool, ...] = ()            # per option / pair / blank: right or wrong (for review and analysis)

    @property
    def pending(self) -> bool:
        return self.score is None


class ItemType(ABC):
    """One type of quiz item, in the style of CTFd's challenge types: a subclass per type, in a module of its own,
    holds everything about it. The class attributes name it; the methods, grouped as below, are what the rest of
    the app calls. An abstract method is one every type must define; the others have a default that fits most.

    The quiz page's controls, the printed handout's question and the review of a submitted answer are the macros
    ``answer(view, value)``, ``printed(item, view, edition)`` and ``review(row)`` of the type's Jinja template
    (:attr:`template`), rendered inside ``templates/items/question.html``, ``templates/handouts/module.html`` and
    ``templates/items/reviewed.html`` (the student's review and the teacher's attempt view alike);
    ``static/js/quiz.js`` reads the controls back into an answer (its ``valueOf`` and ``applyValue`` have a branch
    per type; each type's module says what its branch does).
    """

    name: ClassVar[str]                     # the ``type:`` of a module file and of stored snapshots
    label: ClassVar[str]                    # how pages and printed keys name the type ("Ordering")
    template: ClassVar[str]                 # its Jinja template: "items/ordering.html"
    fields: ClassVar[frozenset[str]] = frozenset()  # the module-file fields that belong to this type alone
    manual: ClassVar[bool] = False          # scored by a teacher (the grading queue), not by grade()
    default_prompt: ClassVar[str | None] = None     # the prompt when a module file gives none (else it is required)
    item_class: ClassVar[type[Item]] = Item         # a new type may keep its own fields in a subclass of Item
    qti_type: ClassVar[str]                 # the Canvas Classic question type it is exported as

    # --- the module file ---------------------------------------------------------------------------------------------
    @abstractmethod
    def parse(self, reader: Any) -> dict | None:
        """The :class:`Item` fields of this type read from a module file's item, or None when they have errors.

        ``reader`` (``curriculum/load.py``'s ``ItemReader``) holds the item's fields (``reader.fields``: ``text``,
        ``texts``, ``items``, ``flag``, ``line_of``, ``data``), ``reader.where`` to name the item in messages, and
        ``reader.error(line, message)`` to report a problem as ``file:line: message``.
        """

    # --- stored snapshots (JSON; ``curriculum/serialize.py``) ---------------------------------------------------------
    def to_json(self, item: Item) -> dict:
        """The keys of a snapshot's item that belong to this type (after the common ones and the key)."""
        return {}

    def from_json(self, data: dict) -> dict:
        """The :class:`Item` fields of this type from a snapshot's item: the inverse of :meth:`to_json`."""
        return {}

    # --- grading -----------------------------------------------------------------------------------------------------
    @abstractmethod
    def key(self, item: Item) -> object:
        """The correct answer, in this type's answer shape (None when a teacher marks it)."""

    @abstractmethod
    def grade(self, item: Item, answer: object) -> Grade:
        """A pure function of the item and the answer (in the written ids); any answer shape, even a wrong one."""

    @abstractmethod
    def answer_problem(self, item: Item, answer: object) -> str | None:
        """Why ``answer`` (not None) is not an answer of this item's shape, as a reason for the browser, or None."""

    # --- what a student sees -----------------------------------------------------------------------------------------
    def arrange(self, item: Item, rng: Any, shuffle_options: bool, opaque_ids: bool) -> dict:
        """This item's part of an attempt's layout (``quiz/present.py``), drawn from ``rng``: any of ``options``
        (the order of its choices), ``elements`` (of its elements) and ``aliases`` (written id → the opaque id this
        attempt shows, when ``opaque_ids``)."""
        return {}

    @abstractmethod
    def student_view(self, item: Item, layout: dict) -> dict:
        """What the browser may see of the item beyond its id, prompt, points and skill: never the key."""

    def shown_value(self, value: object) -> object:
        """A saved answer as the controls show it: None when it is not of this type's shape (it came from a
        browser), so that it shows as no answer rather than breaking the page."""
        return value if isinstance(value, str) else None

    def answer_from_form(self, view: dict, values: list[str]) -> object:
        """The answer from the quiz form's fields (the no-JavaScript path; quiz.js does the same), ``values`` in
        document order as ``request.form.getlist`` gives them."""
        return values[0] if values else None

    # --- answers and keys in words ------------------------------------------------------------------------------------
    def answer_text(self, item: Item, value: object) -> str:
        """A student's answer (not None, in the written ids) in words, for the teacher's view of an attempt."""
        return str(value)

    @abstractmethod
    def key_text(self, item: Item) -> str:
        """The correct answer in words, for the student's review."""

    @abstractmethod
    def printed_key(self, item: Item, view: dict) -> str:
        """The key in the terms of a printed form (``view``, the form's student view): letters, positions, texts."""

    # --- exports (``quiz/export``: each format passes its Writer of helpers) -----------------------------------------
    @abstractmethod
    def to_gift(self, item: Item, gift: Any) -> tuple[str, str, str]:
        """(HTML before the answers, the GIFT answers, HTML after them); raise ``gift.Unsupported(reason)`` when
        GIFT cannot hold the item."""

    @abstractmethod
    def to_moodle_xml(self, item: Item, xml: Any) -> Any:
        """The question as Moodle XML: ``xml.question(moodle type, question HTML, elements after the common ones)``."""

    @abstractmethod
    def to_qti(self, item: Item, qti: Any) -> str:
        """Add the responses and their scoring to ``qti`` (a Canvas QTI 1.2 item being written) and return the
        question's HTML."""

    def qti_note(self, item: Item) -> str | None:
        """What Canvas Classic cannot take of the item as it is (said in the assessment), or None."""
        return None

    @abstractmethod
    def to_csv(self, item: Item, csv: Any) -> tuple[str, list[str], list[str]]:
        """(prompt as plain text, what a student chooses from, the key), a line each, for the CSV export."""
