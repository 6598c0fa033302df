"""What the export formats share: citations of an item's excerpts, its general feedback, Moodle categories and the
grade percentages Moodle accepts.

``sources`` (source id → :class:`~corroborate.corpus.sources.Source`, e.g. ``{s.id: s for s in corpus.sources}``)
gives citations their author, title, publisher and year; without it a citation names the excerpt's author or title
(never an internal id).
"""
from __future__ import annotations

import html
from collections.abc import Iterable, Mapping

from ...corpus.sources import Source
from ...curriculum.cite import printed_citation
from ...curriculum.model import SKILL_LABELS, Excerpt, Module
from ...items import Item

Sources = Mapping[str, Source]

# Moodle accepts only these answer grades (percent, and their negatives); an import with any other value fails.
MOODLE_GRADES = (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20, 16.66667, 14.28571,
                 12.5, 11.11111, 10, 5, 0)


def citation(excerpt: Excerpt, sources: Sources | None) -> str:
    """The excerpt's citation in plain text, worded as on the handouts (:func:`printed_citation`).

    A compilation record cites the original work, then the compilation: "Davies, Joseph E., Mission to Moscow
    (c1941), p. 82 — quoted in Moscow Trials (Real Stalin Series, "Moscow Trials", 2011)".
    """
    return printed_citation(excerpt, (sources or {}).get(excerpt.source))


def item_citations(module: Module, item: Item, sources: Sources | None) -> list[str]:
    return [citation(module.excerpt(excerpt_id), sources) for excerpt_id in item.excerpts]


def general_feedback(module: Module, item: Item, sources: Sources | None) -> str:
    """HTML shown after an attempt: the item's explanation, then a paragraph per cited excerpt ("" when neither)."""
    cited = [f"<p>Source: {html.escape(text, quote=False)}</p>" for text in item_citations(module, item, sources)]
    return (item.explanation or "") + "".join(cited)


def category(module: Module, skill: str) -> str:
    """The Moodle question category for a module's items of one skill: ``$course$/Corroborate/<title>/<skill>``.

    Moodle reads ``/`` as the separator and ``//`` as a slash inside a name.
    """
    names = ("Corroborate", module.title, SKILL_LABELS.get(skill, skill))
    return "$course$/" + "/".join(" ".join(name.split()).replace("/", "//") for name in names)


def by_skill(items: Iterable[Item]) -> list[tuple[str, list[Item]]]:
    """Items grouped by skill (one Moodle category each), groups and items in the order they come."""
    groups: dict[str, list[Item]] = {}
    for item in items:
        groups.setdefault(item.skill, []).append(item)
    return list(groups.items())


def shares(count: int) -> list[float]:
    """``count`` grades from :data:`MOODLE_GRADES` adding up to 100 (within Moodle's rounding to 0.01 of a mark).

    Equal when 100/count is on the list (1 to 10 answers); otherwise a mix of the two neighbouring grades, the
    higher ones first (11 answers: nine of 10 and two of 5).
    """
    target = 100 / count
    low = max(g for g in MOODLE_GRADES if g <= target + 1e-6)
    high = min(g for g in MOODLE_GRADES if g >= target - 1e-6)
    if high == low:
        return [low] * count
    highs = round((100 - count * low) / (high - low))
    return [high] * highs + [low] * (count - highs)


def choice_grades(item: Item) -> dict[str, float]:
    """Grade (percent) per option id of a multiple-response item, matching Corroborate's own grading: each right
    option is worth 100 ÷ (right options) and each wrong one costs as much, never going below zero."""
    right = [o.id for o in item.options if o.correct]
    wrong = [o.id for o in item.options if not o.correct]
    grades = dict(zip(right, shares(len(right))))
    grades.update({option: -grades[right[0]] for option in wrong})
    return grades


def literal(answer: str) -> str:
    """A short answer as Moodle stores it: ``*`` is its wildcard, so a literal one is written ``\\*``."""
    return answer.replace("*", "\\*")


def number(value: float) -> str:
    """A grade or a number of points as Moodle and Canvas write it: 1, 6, 33.33333, -50."""
    return f"{value:.7g}"
