"""Where a submitted attempt stands while written answers wait for a teacher: never a percentage that looks final.

A part-marked attempt reads "14 of 20 points so far, 6 waiting for your teacher" (to the teacher: "6 still to
mark") until every written answer is marked; then "17 of 20 points (85%)".
"""
from __future__ import annotations

from dataclasses import dataclass

from ..items import Item
from .attempts import waiting_responses
from .models import Attempt


def points(value: float) -> str:
    """Points as people write them: 14, 14.5, 0.33."""
    return f"{round(value, 2):g}"


@dataclass(frozen=True)
class Standing:
    earned: float           # points marked so far
    possible: float         # the attempt's points
    waiting: float          # points of written answers still to be marked
    waiting_items: frozenset[str]   # the items whose written answers wait

    @property
    def to_mark(self) -> int:
        """How many written answers wait."""
        return len(self.waiting_items)

    @property
    def provisional(self) -> bool:
        return self.to_mark > 0

    @property
    def percent(self) -> float | None:
        """The final percentage, or None while anything waits for a mark."""
        if self.provisional or not self.possible:
            return None
        return 100.0 * self.earned / self.possible

    def words(self, teacher: bool = False) -> str:
        if self.provisional:
            who = "still to mark" if teacher else "waiting for your teacher"
            return (f"{points(self.earned)} of {points(self.possible)} points so far, "
                    f"{points(self.waiting)} {who}")
        return f"{points(self.earned)} of {points(self.possible)} points ({self.percent or 0:.0f}%)"


def standing(attempt: Attempt, items: dict[str, Item]) -> Standing:
    """Where a submitted attempt stands (``items``: its snapshot's items); reads its responses only when the
    attempt has answers waiting."""
    waiting = waiting_responses(items, attempt.responses) if attempt.pending else []
    return Standing(attempt.score or 0.0, attempt.points_possible, sum(items[r.item_id].points for r in waiting),
                    frozenset(r.item_id for r in waiting))
