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
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from ..curriculum.model import Module
from ..curriculum.serialize import item_from_json, module_json
from ..items import Item, answer_problem, grade
from ..quiz.present import layout_for, stored_answer
from .database import writing
from .extensions import db
from .models import Assignment, Attempt, ModuleSnapshot, Response, User, utcnow


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


def attempts_of(assignment: Assignment, student: User) -> list[Attempt]:
    return list(db.session.scalars(ATTEMPTS_OF, {"assignment": assignment.id, "student": student.id}))


def open_attempt(assignment: Assignment, student: User, now: datetime | None = None,
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


def status_of(assignment: Assignment, attempts: list[Attempt], now: datetime) -> str:
    """Where a student stands on an assignment: "upcoming", "todo", "in-progress", "done" or "overdue"."""
    if any(not a.submitted and a.deadline > now for a in attempts):
        return "in-progress"
    if any(a.submitted for a in attempts):
        return "done"
    if now < assignment.open_at:
        return "upcoming"
    if now >= assignment.due_at:
        return "overdue"
    return "todo"


# The INSERT of a new attempt, loaded back as an Attempt from what it returns. The unique (assignment, student, number)
# row is what makes two tabs racing for the same attempt share it, and lets only one of them take the last allowed.
NEW_ATTEMPT = select(Attempt).from_statement(insert(Attempt.__table__).returning(*Attempt.__table__.c))
ATTEMPT_NUMBER = select(Attempt).where(Attempt.assignment_id == bindparam("assignment"),
                                       Attempt.student_id == bindparam("student"),
                                       Attempt.number == bindparam("number"))


def start(assignment: Assignment, student: User, module: Module, mine: list[Attempt],
          now: datetime | None = None) -> Attempt:
    """The student's open attempt, or a new one; ``mine`` are the student's attempts at the assignment. Everything
    is read first; the write is one INSERT, which returns the new row."""
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
                        assignment.shuffle_options, opaque_ids=True)
    row = {"assignment_id": assignment.id, "student_id": student.id, "number": number, "module_version": version,
           "layout": json.dumps(layout), "started_at": now, "deadline": deadline,
           "points_possible": sum(i.points for i in items)}
    try:
        with writing():
            attempt = db.session.scalars(NEW_ATTEMPT, row).one()
    except IntegrityError:
        # Another tab took attempt `number` a moment ago: that tab's attempt is this one too. (When it was the last
        # one allowed, the unique row is what lets only one of them win.)
        existing = db.session.scalar(ATTEMPT_NUMBER, {"assignment": assignment.id, "student": student.id,
                                                      "number": number})
        if existing is None:
            raise
        return existing
    set_committed_value(attempt, "responses", [])          # a new attempt has no answers: nothing to read back
    return attempt


@dataclass(frozen=True)
class Saved:
    item_id: str
    seq: int
    stale: bool          # a save as new or newer was stored already; this one changed nothing


def _answer_upsert(insert):
    """The statement storing an answer: INSERT it, or where one is stored already, replace it if it is older (a
    lower sequence number). It returns the sequence number stored, and no row when the stored answer is as new or
    newer. One statement: two saves racing are ordered by their numbers alone (the unique attempt-and-item row
    makes the second wait for the first)."""
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


def save(attempt: Attempt, item_id: str, value: object, seq: int, now: datetime | None = None) -> Saved:
    now = now or utcnow()
    if attempt.submitted:
        raise AttemptRefused("This attempt has been submitted; answers can no longer change.")
    if now >= attempt.deadline:
        submit(attempt, now)
        raise AttemptRefused("Time is up: answers saved before the deadline count, this one arrived too late.")
    item = snapshot_items(attempt.module_version).get(item_id)
    if item is None:
        raise AttemptRefused(f"This quiz has no question {item_id!r}.", 404)
    value = stored_answer(item_id, json.loads(attempt.layout), value)     # the choices' ids as shown → as written
    problem = answer_problem(item, value)
    if problem:
        raise AttemptRefused(problem, 400)
    where = {"attempt": attempt.id, "item": item_id}
    with writing() as session:
        stored = session.scalar(ANSWER_UPSERT[session.get_bind().dialect.name],
                                {**where, "value": json.dumps(value, ensure_ascii=False), "seq": seq, "now": now})
    if stored is None:                                     # a save as new or newer is stored already
        return Saved(item_id, db.session.scalar(STORED_SEQ, where), True)
    return Saved(item_id, stored, False)


# The claim: of two requests submitting one attempt, only the first changes the row (the object is updated below)
CLAIM = update(Attempt).where(Attempt.id == bindparam("attempt"), Attempt.submitted_at.is_(None)).values(
    submitted_at=bindparam("at")).execution_options(synchronize_session=False)
ANSWERS = select(Response).where(Response.attempt_id == bindparam("attempt")).execution_options(
    populate_existing=True)           # as stored now, even where this request loaded them before its saves


def submit(attempt: Attempt, now: datetime | None = None) -> None:
    """Submit and grade, exactly once; later calls change nothing. The claim and the grades are one transaction
    (a class ending a timed quiz submits together)."""
    if attempt.submitted:
        return
    now = now or utcnow()
    submitted_at = min(now, attempt.deadline)
    with writing():
        if db.session.execute(CLAIM, {"attempt": attempt.id, "at": submitted_at}).rowcount:
            # graded in the transaction that claimed the submission, over the answers as they stand at that moment
            grade_attempt(attempt)
            attempt.submitted_at = submitted_at          # as the claim stored it (written again with the total)
        else:
            db.session.refresh(attempt, ["submitted_at", "score", "pending"])      # another request submitted it


def grade_attempt(attempt: Attempt) -> None:
    """Score every saved answer (written answers wait for a teacher) and total the attempt."""
    items = snapshot_items(attempt.module_version)
    responses = db.session.scalars(ANSWERS, {"attempt": attempt.id}).all()
    for response in responses:
        item = items.get(response.item_id)
        if item is not None and not item.manual:
            response.score = grade(item, json.loads(response.value)).score
    attempt.score, attempt.pending = totals(items, responses)


def total_attempt(attempt: Attempt) -> None:
    """Total an attempt again, once a teacher has marked one of its answers."""
    attempt.score, attempt.pending = totals(snapshot_items(attempt.module_version), attempt.responses)


def totals(items: dict[str, Item], responses: list[Response]) -> tuple[float, int]:
    """The points an attempt has earned, and how many of its written answers wait for a teacher."""
    points = sum(items[r.item_id].points * (r.score or 0.0) for r in responses if r.item_id in items)
    return points, len(waiting_responses(items, responses))


def waiting_responses(items: dict[str, Item], responses: list[Response]) -> list[Response]:
    """The written answers among ``responses`` that wait for a teacher's mark (an empty written answer waits for
    nobody)."""
    return [r for r in responses if r.item_id in items and items[r.item_id].manual and r.score is None
            and json.loads(r.value)]


def pending_of(attempts: list[Attempt]) -> int:
    """How many written answers of a student's submitted attempts at an assignment wait for a mark."""
    return sum(a.pending for a in attempts if a.submitted)


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
