"""Quiz item types and their grading.

Grading is a pure function per type, ``grade(item, answer) -> Grade``: the score is a fraction from 0 to 1 of the
item's points, with partial credit for multiple response, matching, ordering and cloze. Answers use ids that do not
reveal the key: option ids are letters, and matching and ordering use ids derived from the text of each element.

Answer shapes: single and true/false, an option id (``"b"``, ``"true"``); multiple, a list of option ids; matching,
``{left id: right id}``; ordering, a list of element ids; short, a string; cloze, a list of strings, one per blank;
essay, a string (scored later by a teacher against the rubric).
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

TYPES = ("single", "multiple", "truefalse", "matching", "ordering", "short", "cloze", "essay")
TYPE_LABELS = {
    "single": "Single choice", "multiple": "Multiple response", "truefalse": "True or false",
    "matching": "Matching", "ordering": "Ordering", "short": "Short answer", "cloze": "Fill in the blanks",
    "essay": "Written answer",
}
BLANK = re.compile(r"\{\{([^{}]+)\}\}")


@lru_cache(maxsize=8192)            # a quiz page asks for each element's id as it shuffles and renders them
def element_id(text: str) -> str:
    """A stable id for a matching or ordering element that does not reveal its position in the key."""
    return "e" + hashlib.sha1(text.encode()).hexdigest()[:8]


def normalize_answer(text: str) -> str:
    """Compare short answers without case, accents, punctuation or extra spaces."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


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
    def blanks(self) -> list[Blank]:
        return [piece for piece in self.cloze if isinstance(piece, Blank)]

    @property
    def manual(self) -> bool:
        return self.type == "essay"

    def right_options(self) -> list[tuple[str, str]]:
        """Matching: every right-hand choice (id, text), in a fixed order that does not follow the key."""
        choices = {element_id("R:" + r): r for r in (*(p.right for p in self.pairs), *self.distractors)}
        return sorted(choices.items())

    def key(self) -> object:
        """The correct answer, in the answer shape for this type (teacher views, exports, handout keys)."""
        if self.type in ("single", "truefalse"):
            return next(o.id for o in self.options if o.correct)
        if self.type == "multiple":
            return [o.id for o in self.options if o.correct]
        if self.type == "matching":
            return {p.left_id: p.right_id for p in self.pairs}
        if self.type == "ordering":
            return [element_id(text) for text in self.sequence]
        if self.type == "short":
            return list(self.accept)
        if self.type == "cloze":
            return [list(b.accept) for b in self.blanks]
        return None


@dataclass(frozen=True)
class Grade:
    score: float | None                     # fraction of the points, 0..1; None until a teacher grades an essay
    feedback: tuple[str, ...] = ()
    parts: tuple[bool, ...] = ()            # per option / pair / blank: right or wrong (for review and analysis)

    @property
    def pending(self) -> bool:
        return self.score is None


def grade(item: Item, answer: object) -> Grade:
    return GRADERS[item.type](item, answer)


def _grade_choice(item: Item, answer: object) -> Grade:
    chosen = next((o for o in item.options if o.id == answer), None)
    if chosen is None:
        return Grade(0.0)
    return Grade(1.0 if chosen.correct else 0.0, tuple(filter(None, [chosen.feedback])))


def _grade_multiple(item: Item, answer: object) -> Grade:
    chosen = set(answer) if isinstance(answer, (list, tuple, set)) else set()
    correct = [o for o in item.options if o.correct]
    right = sum(1 for o in correct if o.id in chosen)
    wrong = sum(1 for o in item.options if not o.correct and o.id in chosen)
    score = max(right - wrong, 0) / len(correct) if correct else 0.0
    feedback = tuple(o.feedback for o in item.options if o.id in chosen and o.feedback)
    return Grade(score, feedback, tuple((o.id in chosen) == o.correct for o in item.options))


def _grade_matching(item: Item, answer: object) -> Grade:
    given = answer if isinstance(answer, dict) else {}
    parts = tuple(given.get(p.left_id) == p.right_id for p in item.pairs)
    return Grade(sum(parts) / len(parts) if parts else 0.0, (), parts)


def _grade_ordering(item: Item, answer: object) -> Grade:
    key = [element_id(text) for text in item.sequence]
    given = [a for a in answer if a in key] if isinstance(answer, (list, tuple)) else []
    if len(set(given)) != len(key):
        return Grade(0.0)
    position = {element: index for index, element in enumerate(given)}
    pairs = [position[a] < position[b] for a, b in combinations(key, 2)]
    return Grade(sum(pairs) / len(pairs), (), tuple(g == k for g, k in zip(given, key)))


def _grade_short(item: Item, answer: object) -> Grade:
    accepted = {normalize_answer(a) for a in item.accept}
    return Grade(1.0 if normalize_answer(answer or "") in accepted else 0.0)


def _grade_cloze(item: Item, answer: object) -> Grade:
    given = list(answer) if isinstance(answer, (list, tuple)) else []
    given += [""] * (len(item.blanks) - len(given))
    parts = tuple(normalize_answer(g or "") in {normalize_answer(a) for a in blank.accept}
                  for blank, g in zip(item.blanks, given))
    return Grade(sum(parts) / len(parts) if parts else 0.0, (), parts)


def _grade_essay(item: Item, answer: object) -> Grade:
    return Grade(None)


def rubric_score(item: Item, level: str) -> float:
    """An essay's score (fraction of its points) for the rubric level a teacher chose."""
    chosen = next(l for l in item.rubric if l.level == level)
    top = max(l.points for l in item.rubric)
    return chosen.points / top if top else 0.0


def _text_within(limit: int):
    def check(item: Item, answer: object) -> str | None:
        if not isinstance(answer, str):
            return "Send the answer as text."
        return None if len(answer) <= limit else f"An answer here is at most {limit:,} characters."
    return check


def _check_choice(item: Item, answer: object) -> str | None:
    if isinstance(answer, str) and answer in {o.id for o in item.options}:
        return None
    return "That is not one of this question's choices."


def _check_multiple(item: Item, answer: object) -> str | None:
    ids = {o.id for o in item.options}
    if not isinstance(answer, list) or not all(isinstance(a, str) and a in ids for a in answer) \
            or len(set(answer)) != len(answer):
        return "Send a list of this question's choices, each once."
    return None


def _check_matching(item: Item, answer: object) -> str | None:
    lefts, rights = {p.left_id for p in item.pairs}, {rid for rid, _ in item.right_options()}
    if not isinstance(answer, dict) or not all(k in lefts and isinstance(v, str) and v in rights
                                               for k, v in answer.items()):
        return "Send an object that maps this question's left-hand items to its right-hand choices."
    return None


def _check_ordering(item: Item, answer: object) -> str | None:
    ids = {element_id(text) for text in item.sequence}
    if not isinstance(answer, list) or not all(isinstance(a, str) and a in ids for a in answer) \
            or len(set(answer)) != len(answer):
        return "Send a list of this question's elements, each once, in the order you chose."
    return None


def _check_cloze(item: Item, answer: object) -> str | None:
    if not isinstance(answer, list) or len(answer) > len(item.blanks) \
            or not all(isinstance(a, str) and len(a) <= 200 for a in answer):
        return f"Send a list of at most {len(item.blanks)} texts, one per blank, each at most 200 characters."
    return None


def answer_problem(item: Item, answer: object) -> str | None:
    """Why ``answer`` is not an answer of this item's shape (a reason for the student's browser), or None. An empty
    answer (``None``) is always allowed: it clears what was saved."""
    return None if answer is None else CHECKS[item.type](item, answer)


CHECKS = {
    "single": _check_choice,
    "truefalse": _check_choice,
    "multiple": _check_multiple,
    "matching": _check_matching,
    "ordering": _check_ordering,
    "short": _text_within(1000),
    "cloze": _check_cloze,
    "essay": _text_within(20_000),
}


GRADERS = {
    "single": _grade_choice,
    "truefalse": _grade_choice,
    "multiple": _grade_multiple,
    "matching": _grade_matching,
    "ordering": _grade_ordering,
    "short": _grade_short,
    "cloze": _grade_cloze,
    "essay": _grade_essay,
}
