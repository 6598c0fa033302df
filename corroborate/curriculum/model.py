"""What a module is, once loaded and checked. Plain dataclasses; Markdown fields hold sanitized HTML after build."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..items import Item

SKILLS = ("sourcing", "contextualization", "corroboration", "close-reading")
SKILL_LABELS = {
    "sourcing": "Sourcing",
    "contextualization": "Contextualization",
    "corroboration": "Corroboration",
    "close-reading": "Close reading",
}
CLAIM_VALUES = ("yes", "no", "partly")


@dataclass(frozen=True)
class GlossaryEntry:
    term: str
    definition: str
    aliases: tuple[str, ...] = ()

    @property
    def anchor(self) -> str:
        return "term-" + "-".join("".join(c if c.isalnum() else " " for c in self.term.casefold()).split())


@dataclass(frozen=True)
class TimelineEvent:
    date: str
    event: str
    source: str
    note: str | None = None


@dataclass(frozen=True)
class Locator:
    """Where an excerpt sits in its source, as found by the corpus."""

    passage: str
    passages: tuple[str, ...]
    start: int
    end: int
    chapter: str | None = None
    page: int | None = None
    citation: dict | None = None   # for compilation records: the original work the compiler quoted
    heading: str | None = None     # for compilation records: the compiler's heading (a claim) over the quotation


@dataclass(frozen=True)
class Elision:
    """The author's note on one ``[…]`` of a quotation: what the cut removed and why it can go."""

    at: int          # 1-based position of the ``[…]`` in the quotation
    cut: str
    why: str
    line: int = 0


@dataclass(frozen=True)
class TimingStep:
    """One step of a lesson plan: in lesson ``lesson``, ``minutes`` of ``activity``."""

    lesson: int
    minutes: int
    activity: str
    line: int = 0


@dataclass(frozen=True)
class Excerpt:
    id: str
    source: str
    quote: str
    headnote: str
    title: str | None = None
    claims: dict[str, str] = field(default_factory=dict)
    locator: Locator | None = None
    line: int = 0
    author: str | None = None                  # who wrote the document, when not the author of the book printing it
    elisions: tuple[Elision, ...] = ()
    headnote_line: int = 0

    @property
    def word_count(self) -> int:
        return len(self.quote.split())


@dataclass(frozen=True)
class RubricLevel:
    level: str
    descriptor: str
    sample: str
    points: float | None = None


@dataclass(frozen=True)
class Exercise:
    id: str
    skill: str
    title: str
    excerpts: tuple[str, ...]
    prompt: str
    rubric: tuple[RubricLevel, ...]
    compare: bool = False
    lines: int = 8
    line: int = 0


@dataclass(frozen=True)
class Module:
    id: str
    title: str
    question: str
    level: str
    duration: str
    objectives: tuple[str, ...]
    context: str
    teacher_notes: str
    glossary: tuple[GlossaryEntry, ...]
    timeline: tuple[TimelineEvent, ...]
    claims: dict[str, str]
    excerpts: tuple[Excerpt, ...]
    exercises: tuple[Exercise, ...]
    items: tuple[Item, ...]
    path: str = ""
    version: str = ""
    timing: tuple[TimingStep, ...] = ()
    lines: dict[str, int] = field(default_factory=dict)    # line of each front-matter field and body section

    def excerpt(self, excerpt_id: str) -> Excerpt:
        return next(e for e in self.excerpts if e.id == excerpt_id)

    def item(self, item_id: str) -> Item:
        return next(i for i in self.items if i.id == item_id)

    @property
    def sources(self) -> list[str]:
        return list(dict.fromkeys(e.source for e in self.excerpts))


@dataclass(frozen=True)
class Unit:
    title: str
    introduction: str
    modules: tuple[Module, ...]
    version: str = ""

    def module(self, module_id: str) -> Module | None:
        return next((m for m in self.modules if m.id == module_id), None)
