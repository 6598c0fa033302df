"""Item analysis and skill mastery, as pure functions over graded responses.

- Facility: the mean score on an item (0..1): how easy it was.
- Discrimination: the mean score of the top 27% of students (by total on the other items) minus that of the bottom
  27%; from -1 to 1. Near zero or negative flags an item that does not separate students who know the material from
  those who do not. With fewer than 4 students it is not computed.
- Distractors: for items with options (single, multiple, true/false), how many chose each option.
- Mastery: per skill, points earned over points possible.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from ..items import Item
from ..items.base import title_from


@dataclass(frozen=True)
class ItemStats:
    item_id: str
    answered: int
    facility: float | None
    discrimination: float | None
    choices: dict[str, int]          # option id → how many chose it (choice items)


def item_stats(items: list[Item], scores: dict[str, dict[str, float]],
               choices: dict[str, dict[str, object]]) -> list[ItemStats]:
    """``scores``: student → item id → score (0..1) for graded answers; ``choices``: student → item id → answer."""
    students = list(scores)
    totals = {s: sum(scores[s].values()) for s in students}
    result = []
    for item in items:
        answered = [s for s in students if item.id in scores[s]]
        facility = sum(scores[s][item.id] for s in answered) / len(answered) if answered else None
        discrimination = None
        if len(answered) >= 4:
            rest = sorted(answered, key=lambda s: totals[s] - scores[s][item.id])
            group = max(1, math.floor(len(rest) * 0.27 + 0.5))
            low = sum(scores[s][item.id] for s in rest[:group]) / group
            high = sum(scores[s][item.id] for s in rest[-group:]) / group
            discrimination = high - low
        picked: dict[str, int] = {}
        if item.options:                    # a choice among options: how many chose each
            picked = {o.id: 0 for o in item.options}
            for student in students:
                answer = choices.get(student, {}).get(item.id)
                for option in answer if isinstance(answer, list) else [answer]:
                    if option in picked:
                        picked[option] += 1
        result.append(ItemStats(item.id, len(answered), facility, discrimination, picked))
    return result


def mastery(items: list[Item], scores: dict[str, dict[str, float]]) -> dict[str, dict[str, float | None]]:
    """student → skill → fraction of the skill's points earned on the items answered (None: no graded item)."""
    by_id = {i.id: i for i in items}
    out: dict[str, dict[str, float | None]] = {}
    for student, answers in scores.items():
        earned, possible = defaultdict(float), defaultdict(float)
        for item_id, score in answers.items():
            item = by_id.get(item_id)
            if item is not None:
                earned[item.skill] += score * item.points
                possible[item.skill] += item.points
        out[student] = {skill: earned[skill] / possible[skill] for skill in possible}
    return out


def bar_chart_svg(stats: list[ItemStats], labels: dict[str, str]) -> str:
    """A small, accessible SVG: one bar per item for facility, a tick for discrimination, and a visible legend
    above them. Labels are cut between words ("Q3 · Who is…"), never inside one. Server-rendered."""
    width, row, left, top = 600, 26, 240, 44
    height = row * len(stats) + top + 20
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
             f'aria-labelledby="chart-title chart-desc" class="analysis-chart">',
             '<title id="chart-title">Item facility and discrimination</title>',
             '<desc id="chart-desc">For each question, a bar shows the share of points students earned (facility); '
             'a dark tick marks discrimination, where higher separates stronger from weaker students.</desc>',
             '<g class="legend" font-size="12" font-family="sans-serif">'
             '<rect x="0" y="6" width="18" height="12" fill="#7a2e1f"/>'
             '<text x="24" y="16">Facility: share of the points earned</text>'
             '<rect x="300" y="3" width="3" height="18" fill="#1d1d1f"/>'
             '<text x="310" y="16">Discrimination (higher is better)</text></g>']
    scale = width - left - 20
    for index, stat in enumerate(stats):
        y = top + index * row
        label = _escape(title_from(labels.get(stat.item_id, stat.item_id), 30))
        parts.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end" font-size="12" '
                     f'font-family="sans-serif">{label}</text>')
        parts.append(f'<rect x="{left}" y="{y + 3}" width="{scale}" height="16" fill="#eee"/>')
        if stat.facility is not None:
            parts.append(f'<rect x="{left}" y="{y + 3}" width="{scale * stat.facility:.1f}" height="16" '
                         f'fill="#7a2e1f"><title>facility {stat.facility:.2f}</title></rect>')
        if stat.discrimination is not None:
            x = left + scale * max(0.0, stat.discrimination)
            parts.append(f'<rect x="{x - 1.5:.1f}" y="{y}" width="3" height="22" fill="#1d1d1f">'
                         f'<title>discrimination {stat.discrimination:.2f}</title></rect>')
    parts.append(f'<text x="{left}" y="{height - 4}" font-size="11">0</text>')
    parts.append(f'<text x="{left + scale}" y="{height - 4}" font-size="11" text-anchor="end">1</text>')
    parts.append("</svg>")
    return "".join(parts)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
