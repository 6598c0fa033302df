"""The attempt lifecycle: start → answer (autosave) → submit → grade → review.

Every rule that protects an answer or a grade is enforced here, in the database, not in the browser:
- the deadline is fixed at start (start + time limit, clipped to the due date);
- an attempt is pinned to the module snapshot it started on;
- a save carries the client's sequence number and only ever replaces an older one (one INSERT that, where the
  answer is stored already, updates it only if the stored one is older);
- submitting is a conditional UPDATE, so a double click, two tabs or a retry grade exactly once;
- the attempt limit is a unique (assignment, student, number) row, so two tabs racing for the last attempt cannot
  both win.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from ..curriculum.model import Module
from ..curriculum.serialize import item_from_json, module_json
from ..quiz.items import Item, grade
from ..quiz.present import layout_for
from .database import driver_insert, writing
from .extensions import db
from .models import (Assignment, AssignmentTerms, Attempt, AttemptTerms, ModuleSnapshot, Response, SignedIn,
                     User, utcnow)


class AttemptRefused(Exception):
    """The action is not allowed now; ``reason`` says why in words a student understands."""

    def __init__(self, reason: str, status: int = 409):
        super().__init__(reason)
        self.reason, self.status = reason, status


_items_cache: dict[str, dict[str, Item]] = {}


def snapshot(module: Module) -> str:
    """Store the module as attempts will see it, once; returns its version. Versions this app has seen stored
    are remembered (snapshots are never deleted), so a class starting together does not look them up each time,
    and their items are taken from the module itself (a request that began reading before another stored the
    snapshot could not read it back yet)."""
    stored = current_app.extensions.setdefault("corroborate.snapshots", set())
    version = module.version
    if version not in stored:
        if db.session.get(ModuleSnapshot, version) is None:
            try:
                with writing():
                    db.session.add(ModuleSnapshot(version=version, module_id=module.id, data=_snapshot_data(module)))
            except IntegrityError:                     # another request stored it first
                pass
        stored.add(version)
    remember_items(module)
    return version


def remember_items(module: Module) -> None:
    """Parse the items of a module exactly as its stored snapshot reads back, once per process (the warm start does
    it for the built modules before the workers fork)."""
    if module.version not in _items_cache:
        _items_cache[module.version] = _items(json.loads(_snapshot_data(module)))


def _snapshot_data(module: Module) -> str:
    return json.dumps(module_json(module), ensure_ascii=False)


def snapshot_items(version: str) -> dict[str, Item]:
    """Items of a stored module version (snapshots never change, so they are parsed once per process)."""
    if version not in _items_cache:
        _items_cache[version] = _items(json.loads(db.session.get(ModuleSnapshot, version).data))
    return _items_cache[version]


def _items(data: dict) -> dict[str, Item]:
    return {i["id"]: item_from_json(i) for i in data["items"]}


ATTEMPTS_OF = select(Attempt).where(Attempt.assignment_id == bindparam("assignment"),  # built once
                                    Attempt.student_id == bindparam("student")).order_by(Attempt.number)


def attempts_of(assignment: Assignment | AssignmentTerms, student: User | SignedIn) -> list[Attempt]:
    return list(db.session.scalars(ATTEMPTS_OF, {"assignment": assignment.id, "student": student.id}))


def open_attempt(assignment: Assignment | AssignmentTerms, student: User | SignedIn, now: datetime | None = None,
                 attempts: list[Attempt] | None = None) -> Attempt | None:
    """The student's unsubmitted attempt, closing it first if its deadline has passed."""
    now = now or utcnow()
    for attempt in attempts_of(assignment, student) if attempts is None else attempts:
        if not attempt.submitted:
            if attempt.deadline <= now:
                submit(attempt, now)
                continue
            return attempt
    return None


@dataclass(frozen=True)
class Started:
    """An attempt just stored, as the quiz page shows it: a value, not a database object (a whole class presses Start
    together, and making an ``Attempt`` object costs as much as storing the row)."""
    id: int
    module_version: str
    layout: str               # JSON, as stored
    deadline: datetime
    responses: tuple = ()     # none saved yet


def start(assignment: Assignment | AssignmentTerms, student: User | SignedIn, module: Module, mine: list[Attempt],
          now: datetime | None = None) -> Attempt | Started:
    """The student's open attempt, or a new one (:class:`Started`); ``mine`` are the student's attempts at the
    assignment. Everything is read first; the write is one INSERT."""
    now = now or utcnow()
    current = open_attempt(assignment, student, now, mine)
    if current is not None:
        return current
    if now < assignment.open_at:
        raise AttemptRefused(f"This quiz opens on {assignment.open_at:%d %B at %H:%M}.")
    if now >= assignment.due_at:
        raise AttemptRefused("This quiz is closed: its due date has passed.")
    if len(mine) >= assignment.attempts_allowed:
        raise AttemptRefused("You have used all your attempts at this quiz.")
    version = snapshot(module)
    items = list(snapshot_items(version).values())
    number = len(mine) + 1
    deadline = assignment.due_at
    if assignment.time_limit_minutes:
        deadline = min(deadline, now + timedelta(minutes=assignment.time_limit_minutes))
    layout = layout_for(items, f"{assignment.variant_seed}:{student.id}:{number}", assignment.shuffle_questions,
                        assignment.shuffle_options)
    row = {"assignment_id": assignment.id, "student_id": student.id, "number": number, "module_version": version,
           "layout": json.dumps(layout), "started_at": now, "deadline": deadline, "submitted_at": None, "score": None,
           "points_possible": sum(i.points for i in items), "pending": 0}
    try:
        with writing(one_statement=True):
            # one plain INSERT by the driver on the session's connection (the ORM's unit of work, even SQLAlchemy's
            # execute, would cost more than the rest of the write)
            attempt_id = driver_insert(Attempt.__table__, row)
    except IntegrityError:
        # Another tab took attempt `number` a moment ago: that tab's attempt is this one too. (When it was the last
        # one allowed, the unique row is what lets only one of them win.)
        existing = db.session.scalar(select(Attempt).where(Attempt.assignment_id == assignment.id,
                                                           Attempt.student_id == student.id,
                                                           Attempt.number == number))
        if existing is None:
            raise
        return existing
    return Started(attempt_id, version, row["layout"], deadline)


@dataclass(frozen=True)
class Saved:
    item_id: str
    seq: int
    stale: bool          # a save as new or newer was stored already; this one changed nothing


def _answer_upsert(insert):
    """The statement storing an answer: INSERT it, or where one is stored already, replace it if it is older (a
    lower sequence number). It returns the sequence number stored, and no row when the stored answer is as new or
    newer. One statement: two saves racing are ordered by their numbers alone (the unique attempt-and-item row
    makes the second wait for the first), and it needs no transaction around it."""
    table = Response.__table__
    statement = insert(table).values(attempt_id=bindparam("attempt"), item_id=bindparam("item"),
                                     value=bindparam("value"), seq=bindparam("seq"), saved_at=bindparam("now"))
    return statement.on_conflict_do_update(
        index_elements=[table.c.attempt_id, table.c.item_id],
        set_={"value": statement.excluded.value, "seq": statement.excluded.seq,
              "saved_at": statement.excluded.saved_at},
        where=table.c.seq < statement.excluded.seq).returning(table.c.seq)


ANSWER_UPSERT = {"postgresql": _answer_upsert(postgresql.insert), "sqlite": _answer_upsert(sqlite.insert)}
STORED_SEQ = select(Response.seq).where(Response.attempt_id == bindparam("attempt"),
                                        Response.item_id == bindparam("item"))


def save(attempt: Attempt | AttemptTerms, item_id: str, value: object, seq: int, now: datetime | None = None) -> Saved:
    now = now or utcnow()
    if attempt.submitted:
        raise AttemptRefused("This attempt has been submitted; answers can no longer change.")
    if now >= attempt.deadline:
        submit(db.session.get(Attempt, attempt.id), now)     # an Attempt loaded already is not read again
        raise AttemptRefused("Time is up: answers saved before the deadline count, this one arrived too late.")
    if item_id not in snapshot_items(attempt.module_version):
        raise AttemptRefused(f"This quiz has no question {item_id!r}.", 404)
    where = {"attempt": attempt.id, "item": item_id}
    with writing(one_statement=True):
        stored = db.session.execute(ANSWER_UPSERT[db.session.get_bind().dialect.name],
                                    {**where, "value": json.dumps(value, ensure_ascii=False), "seq": seq,
                                     "now": now}).scalar()
    if stored is None:                                     # a save as new or newer is stored already
        return Saved(item_id, db.session.scalar(STORED_SEQ, where), True)
    return Saved(item_id, stored, False)


CLAIM = update(Attempt.__table__).where(Attempt.__table__.c.id == bindparam("attempt"),
                                       Attempt.__table__.c.submitted_at.is_(None)).values(submitted_at=bindparam("at"))


def submit(attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Submit and grade, exactly once; later calls return the graded attempt unchanged."""
    now = now or utcnow()
    with writing():
        # a plain UPDATE of the table: the ORM's would first apply it to the loaded object, which is refreshed anyway
        claimed = db.session.execute(CLAIM, {"attempt": attempt.id, "at": min(now, attempt.deadline)}).rowcount
        if claimed:
            # graded in the transaction that claimed the submission, over the answers as they stand at that moment
            db.session.refresh(attempt)
            grade_attempt(attempt)
    if not claimed:
        db.session.refresh(attempt)
    return attempt


def grade_attempt(attempt: Attempt) -> None:
    """Score every saved answer (written answers wait for a teacher) and total the attempt."""
    items = snapshot_items(attempt.module_version)
    answered = {r.item_id: r for r in attempt.responses}
    for item_id, response in answered.items():
        item = items.get(item_id)
        if item is not None and not item.manual:
            response.score = grade(item, json.loads(response.value)).score
    total_attempt(attempt)


def total_attempt(attempt: Attempt) -> None:
    items = snapshot_items(attempt.module_version)
    answered = {r.item_id: r for r in attempt.responses}
    attempt.score = sum(items[i].points * (r.score or 0.0) for i, r in answered.items() if i in items)
    attempt.pending = sum(1 for i, r in answered.items()
                          if i in items and items[i].manual and r.score is None and json.loads(r.value))


def close_expired(now: datetime | None = None) -> int:
    """Submit every attempt whose deadline has passed (for `flask attempts close-expired`)."""
    now = now or utcnow()
    expired = db.session.scalars(select(Attempt).where(Attempt.submitted_at.is_(None), Attempt.deadline <= now)).all()
    for attempt in expired:
        submit(attempt, now)
    return len(expired)


def review_allowed(assignment: Assignment, now: datetime | None = None) -> bool:
    """May students see correct answers and feedback yet? (Scores follow the same policy.)"""
    now = now or utcnow()
    return assignment.review_policy == "immediately" or (assignment.review_policy == "after_due"
                                                        and now >= assignment.due_at)


def final_score(attempts: list[Attempt], method: str) -> float | None:
    """The assignment grade in percent, by the assignment's grading method, over submitted attempts."""
    scores = [a.percent for a in attempts if a.submitted and a.percent is not None]
    if not scores:
        return None
    if method == "last":
        return scores[-1]
    if method == "average":
        return sum(scores) / len(scores)
    return max(scores)
