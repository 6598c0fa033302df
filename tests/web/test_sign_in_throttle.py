"""The sign-in back-off: wrong passwords counted in the database per account and address, a growing wait, no hard
lock, cleared by a right password, by the teacher and by the command line; and the migration that adds its table
keeps a database filled by the previous release working."""
from __future__ import annotations

import json
from datetime import timedelta

from flask_migrate import upgrade
from sqlalchemy import select

from corroborate.web import attempts as engine, throttle
from corroborate.web.extensions import db
from corroborate.web.models import Assignment, Attempt, Response, SignInFailure, User, utcnow
from corroborate.items import rubric_score
from corroborate.quiz.present import layout_for
from tests import factories as f
from tests.conftest import MIGRATIONS, build_app, csrf_token, login, post
from tests.web.test_quiz_engine import put, student_client, submit

PREVIOUS_RELEASE = "7632421e00e4"       # the schema of the release before the sign-in back-off


def wrong(client, username: str, n: int) -> list[int]:
    return [login(client, username, f"guess {i}").status_code for i in range(n)]


def test_wrong_passwords_make_the_account_wait_then_grow(app):
    f.user(app, "sam")
    client = app.test_client()
    codes = wrong(client, "sam", throttle.FROM_ONE_ADDRESS + 3)
    assert codes[:throttle.FROM_ONE_ADDRESS] == [200] * throttle.FROM_ONE_ADDRESS
    assert set(codes[throttle.FROM_ONE_ADDRESS:]) == {429}
    refused = login(client, "sam", f.PASSWORD)                  # the right password waits too
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "try again in" in refused.get_data(as_text=True)
    assert 'value="sam"' in refused.get_data(as_text=True)      # what was typed stays


def test_the_wait_grows_with_each_wrong_password_and_has_a_ceiling():
    waits = [throttle.wait_after(n, 5) for n in range(1, 40)]
    assert waits[:4] == [timedelta(0)] * 4 and waits[4] == throttle.FIRST_WAIT
    assert waits[5] == 2 * throttle.FIRST_WAIT and max(waits) == throttle.LONGEST_WAIT


def test_a_right_password_after_the_wait_clears_the_count(app):
    f.user(app, "tia")
    client = app.test_client()
    wrong(client, "tia", throttle.FROM_ONE_ADDRESS)
    with app.app_context():
        db.session.execute(SignInFailure.__table__.update().values(blocked_until=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert login(client, "tia", f.PASSWORD).status_code == 302
    with app.app_context():
        assert db.session.scalars(select(SignInFailure).where(SignInFailure.username == "tia")).all() == []


def test_guessing_from_another_address_does_not_make_a_student_wait_until_it_is_spread_wide(app):
    f.user(app, "uma")
    with app.test_request_context():
        for _ in range(throttle.FROM_ONE_ADDRESS + 2):
            throttle.record_failure("uma", "203.0.113.9")        # a classmate on their phone
        db.session.commit()
        assert throttle.seconds_to_wait("uma", "203.0.113.9") > 0
        assert throttle.seconds_to_wait("uma", "198.51.100.7") == 0     # the student at school
        for n in range(throttle.FROM_ANYWHERE):
            throttle.record_failure("uma", f"192.0.2.{n}")
        db.session.commit()
        assert throttle.seconds_to_wait("uma", "198.51.100.7") > 0       # guessing from everywhere: all wait
        stored = db.session.scalars(select(SignInFailure.address)).all()
        assert not any("192.0.2" in a or "203.0.113" in a for a in stored)     # addresses are never stored


def test_the_teacher_sees_the_wait_and_clears_it(app):
    ids = f.world(app)
    wrong(app.test_client(), "student-a", throttle.FROM_ONE_ADDRESS + 1)
    teacher = app.test_client()
    login(teacher, "teacher-a", f.PASSWORD)
    page = teacher.get(f"/teach/classes/{ids['class_a']}").get_data(as_text=True)
    assert page.count("Must wait to sign in") == 1
    cleared = post(teacher, f"/teach/classes/{ids['class_a']}/students/{ids['student_a']}/clear-wait",
                   page=f"/teach/classes/{ids['class_a']}")
    assert cleared.status_code == 302
    assert login(app.test_client(), "student-a", f.PASSWORD).status_code == 302
    other = app.test_client()
    login(other, "teacher-b", f.PASSWORD)
    refused = post(other, f"/teach/classes/{ids['class_a']}/students/{ids['student_a']}/clear-wait",
                   page="/teach/")
    assert refused.status_code == 404


def test_the_command_line_clears_a_wait(app):
    f.user(app, "vic", "teacher")
    wrong(app.test_client(), "vic", throttle.FROM_ONE_ADDRESS + 1)
    result = app.test_cli_runner().invoke(args=["users", "clear-sign-in-delay", "vic"])
    assert "the wait is cleared" in result.output
    assert login(app.test_client(), "vic", f.PASSWORD).status_code == 302


def test_a_database_of_the_previous_release_upgrades_with_its_attempts_and_marks(tmp_path, corpus, corpus_cache):
    """Filled at the previous release's schema: an attempt in progress, a submitted one with a marked essay."""
    path = tmp_path / "previous.sqlite3"
    app = build_app(tmp_path / "instance", corpus, corpus_cache, f"sqlite:///{path}")
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision=PREVIOUS_RELEASE)
    ids = f.world(app)
    with app.test_request_context():
        from corroborate.web.state import unit
        module = unit().module("sample")
        version = engine.snapshot(module)
        items = list(engine.snapshot_items(version).values())
        assignment = db.session.get(Assignment, ids["assignment_a"])
        made = {}
        for username, submitted in (("student-a", False), ("student-a2", True)):
            student = db.session.scalar(select(User).where(User.username == username))
            layout = layout_for(items, f"{assignment.variant_seed}:{student.id}:1", True, True)
            attempt = Attempt(assignment_id=assignment.id, student_id=student.id, number=1, module_version=version,
                              layout=json.dumps(layout), deadline=assignment.due_at,
                              points_possible=sum(i.points for i in items))
            attempt.responses = [Response(item_id="q-tf", value=json.dumps("true"), seq=1),
                                 Response(item_id="q-essay", value=json.dumps("Davies saw the trial."), seq=2)]
            db.session.add(attempt)
            db.session.commit()
            made[username] = attempt.id
            if submitted:
                engine.submit(attempt)
                essay = next(r for r in attempt.responses if r.item_id == "q-essay")
                item = engine.snapshot_items(version)["q-essay"]
                level = item.rubric[-1].level
                essay.rubric_level, essay.score = level, rubric_score(item, level)
                essay.comment, essay.graded_at = "Well sourced.", utcnow()
                engine.total_attempt(attempt)
                db.session.commit()
        marked = db.session.get(Attempt, made["student-a2"])
        before = (marked.score, marked.pending, marked.points_possible)
        db.engine.dispose()

    with app.app_context():
        upgrade(directory=MIGRATIONS)
        marked = db.session.get(Attempt, made["student-a2"])
        assert (marked.score, marked.pending, marked.points_possible) == before and marked.pending == 0
        essay = next(r for r in marked.responses if r.item_id == "q-essay")
        assert essay.comment == "Well sourced." and essay.rubric_level
    teacher = app.test_client()
    login(teacher, "teacher-a", f.PASSWORD)
    view = teacher.get(f"/teach/attempts/{made['student-a2']}").get_data(as_text=True)
    assert "Well sourced." in view and "Davies saw the trial." in view
    client, token = student_client(app, "student-a")
    page = client.get(f"/learn/attempts/{made['student-a']}")
    assert page.status_code == 200 and "Davies saw the trial." in page.get_data(as_text=True)
    assert put(client, token, made["student-a"], "q-short", "Zinoviev", 3).status_code == 200
    assert submit(client, token, made["student-a"]).status_code == 200
    with app.app_context():
        assert db.session.get(Attempt, made["student-a"]).submitted
        db.engine.dispose()
    assert csrf_token(app.test_client(), "/login")
