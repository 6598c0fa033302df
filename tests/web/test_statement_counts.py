"""Every statement goes through SQLAlchemy, and each page runs a small number of them whatever the class size.

An event listener on the engine (``before_cursor_execute``) counts what a request sends. Each teacher and student
page is asked of a small class and of a large one; the counts must not grow with the class. On SQLite the database's
own trace of what it ran is compared with what the listener saw: nothing reaches the database unseen.
"""
from __future__ import annotations

import json
import os
import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event

from corroborate.curriculum.serialize import module_json
from corroborate.quiz.present import layout_for
from corroborate.web.extensions import db
from corroborate.web.models import Attempt, ModuleSnapshot, Response, utcnow
from corroborate.web.state import unit
from tests import factories as f
from tests.conftest import login
from tests.web.test_quiz_engine import quiz_state, student_client

REPORT = os.environ.get("STATEMENT_COUNTS_REPORT")       # set: print every count (for the before/after)
TRANSACTION_CONTROL = re.compile(r"\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA)\b", re.I)


@pytest.fixture
def app(any_app):
    return any_app


@contextmanager
def statements(app):
    """Collects ``(seen, ran)``: the statements an event listener on the engine saw, and on SQLite those the database
    ran by its own trace (None elsewhere), transaction control left out of both."""
    seen, ran = [], [] if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite") else None

    def listener(_connection, _cursor, statement, _parameters, _context, _executemany):
        if not TRANSACTION_CONTROL.match(statement):
            seen.append(statement)

    def trace(statement):
        if not TRANSACTION_CONTROL.match(statement):
            ran.append(statement)

    def traced(dbapi_connection, _record, _proxy):
        dbapi_connection.set_trace_callback(trace)

    def untraced(dbapi_connection, _record):
        dbapi_connection.set_trace_callback(None)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    if ran is not None:
        engine.dispose()                          # connections made from now on are traced from their checkout
        event.listen(engine, "checkout", traced)
        event.listen(engine, "checkin", untraced)
    try:
        yield seen, ran
    finally:
        event.remove(engine, "before_cursor_execute", listener)
        if ran is not None:
            event.remove(engine, "checkout", traced)
            event.remove(engine, "checkin", untraced)


def count(app, label: str, request) -> int:
    """The statements ``request()`` (an HTTP call of a test client) runs; checks that the listener saw each one."""
    with statements(app) as (seen, ran):
        response = request()
    assert response.status_code in (200, 302), (label, response.status_code)
    if ran is not None and not REPORT:
        assert len(seen) == len(ran), (label, seen, ran)
    if REPORT:
        print(f"\n{label}: {len(seen)} statements seen by the listener" +
              (f", {len(ran)} run by SQLite" if ran is not None else ""))
        if REPORT == "all":
            print("\n".join("    " + " ".join(statement.split())[:150] for statement in seen))
    return len(seen)


def a_class(app, students: int, assignments: int, submitted: bool = True) -> dict:
    """A teacher's class of ``students``, each with a submitted attempt (one answer marked) at each of
    ``assignments``."""
    teacher = f.user(app, f"t{students}x{assignments}", "teacher")
    ids = [f.user(app, f"s{students}x{assignments}-{n}") for n in range(students)]
    class_id = f.classroom(app, teacher, f"Class {students}x{assignments}", tuple(ids))
    tasks = [f.assignment(app, class_id, review_policy="immediately", attempts_allowed=2)
             for _ in range(assignments)]
    with app.app_context():
        module = unit(app).module("sample")
        if db.session.get(ModuleSnapshot, module.version) is None:
            db.session.add(ModuleSnapshot(version=module.version, module_id=module.id,
                                          data=json.dumps(module_json(module))))
            db.session.flush()
        now = utcnow()
        for assignment_id in tasks:
            for student_id in ids:
                attempt = Attempt(assignment_id=assignment_id, student_id=student_id, number=1,
                                  module_version=module.version, started_at=now - timedelta(minutes=5),
                                  layout=json.dumps(layout_for(list(module.items), f"{student_id}", True, True)),
                                  deadline=now + timedelta(hours=1), submitted_at=now if submitted else None,
                                  score=1.0 if submitted else None, points_possible=13.0, pending=1 if submitted else 0)
                attempt.responses = [Response(item_id="q-single", value='"a"', seq=1, score=1.0),
                                     Response(item_id="q-essay", value='"An essay"', seq=1)]
                db.session.add(attempt)
        db.session.commit()
    return {"teacher": f"t{students}x{assignments}", "teacher_id": teacher, "class": class_id, "assignments": tasks,
            "student": f"s{students}x{assignments}-0", "students": ids}


def signed_in(app, username):
    client = app.test_client()
    login(client, username, f.PASSWORD)
    client.get("/sources")                                   # the first request of a session, not counted
    return client


def teacher_counts(app, students, assignments, classes=1) -> dict[str, int]:
    """The statements of each teacher page, for a teacher of ``classes`` classes, one of which has ``students`` who
    each submitted every one of its ``assignments``."""
    made = a_class(app, students, assignments)
    for n in range(1, classes):
        f.assignment(app, f.classroom(app, made["teacher_id"], f"Another class {n}", tuple(made["students"])))
    client = signed_in(app, made["teacher"])
    pages = {"gradebook": f"/teach/classes/{made['class']}/gradebook",
             "gradebook CSV": f"/teach/classes/{made['class']}/gradebook.csv",
             "class page": f"/teach/classes/{made['class']}",
             "results": f"/teach/assignments/{made['assignments'][0]}/results",
             "grading queue": "/teach/grading",
             "teacher dashboard": "/teach/"}
    client.get(pages["results"])            # the module's snapshot is read once per process, not per request
    return {name: count(app, f"{name}, {students} students x {assignments} assignments", lambda p=path: client.get(p))
            for name, path in pages.items()}


def test_teacher_pages_run_as_many_statements_for_a_large_class_as_for_a_small_one(app):
    small, large = teacher_counts(app, 3, 2), teacher_counts(app, 30, 10, classes=5)
    assert small == large
    assert max(large.values()) <= 8, large


def student_counts(app, assignments) -> dict[str, int]:
    made = a_class(app, 3, assignments)
    client = signed_in(app, made["student"])
    return {"student dashboard": count(app, f"student dashboard, {assignments} assignments",
                                       lambda: client.get("/learn/"))}


def test_the_student_dashboard_runs_as_many_statements_for_ten_assignments_as_for_one(app):
    one, ten = student_counts(app, 1), student_counts(app, 10)
    assert one == ten and ten["student dashboard"] <= 4, (one, ten)


def quiz_counts(app, students) -> dict[str, int]:
    """Start, save and submit of a student in a class of ``students`` who have all started already."""
    made = a_class(app, students, 1, submitted=False)
    fresh = f.assignment(app, made["class"], review_policy="immediately")
    other, other_token = student_client(app, made["student"].replace("-0", "-1"))
    assert other.post(f"/learn/assignments/{fresh}/start", data={"csrf_token": other_token}).status_code == 200
    client, token = student_client(app, made["student"])     # (a classmate started first: the module is stored)
    start = {}

    def press_start():
        start["page"] = client.post(f"/learn/assignments/{fresh}/start", data={"csrf_token": token})
        return start["page"]
    counts = {"Start": count(app, f"Start, class of {students}", press_start)}
    attempt_id, item = quiz_state(start["page"].get_data(as_text=True))["attempt"], "q-short"
    counts["save"] = count(app, f"save, class of {students}", lambda: client.put(
        f"/api/attempts/{attempt_id}/answers/{item}", json={"value": "843", "seq": 1},
        headers={"X-CSRFToken": token}))
    counts["submit"] = count(app, f"submit, class of {students}", lambda: client.post(
        f"/api/attempts/{attempt_id}/submit", headers={"X-CSRFToken": token}))
    counts["review"] = count(app, f"review, class of {students}",
                             lambda: client.get(f"/learn/attempts/{attempt_id}/review"))
    counts["assignment page"] = count(app, f"assignment page, class of {students}",
                                      lambda: client.get(f"/learn/assignments/{fresh}"))
    return counts


def test_start_save_and_submit_each_run_a_few_statements_all_seen(app):
    small, large = quiz_counts(app, 3), quiz_counts(app, 30)
    assert small == large, (small, large)
    assert large["Start"] <= 3 and large["save"] <= 3 and large["submit"] <= 6, large


def test_a_shared_page_served_to_a_signed_in_student_checks_their_login_session_in_one_statement(app):
    made = a_class(app, 3, 1)
    client = signed_in(app, made["student"])
    for _ in range(2):
        client.get("/modules/sample")                         # the page and this visitor's header are kept
    with statements(app) as (seen, _):
        assert client.get("/modules/sample").status_code == 200    # served by the page cache, before Flask
    assert len(seen) == 1 and seen[0].startswith("SELECT login_sessions.id"), seen
