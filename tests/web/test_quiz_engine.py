"""The attempt lifecycle on SQLite and PostgreSQL: start, autosave, submit, grade, review — and the races."""
from __future__ import annotations

import json
import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import create_engine, event, insert

from corroborate.quiz.present import shown_answer
from corroborate.web import attempts as engine
from corroborate.web.extensions import db
from corroborate.web.models import Attempt, Classroom, Response, User, utcnow
from tests import factories as f
from tests.conftest import csrf_token, login, postgres_app

KEY = {"q-single": "a", "q-tf": "false", "q-short": "843", "q-cloze": ["NKVD", "843", "Zinovievites"]}


def student_client(app, username="student-a"):
    client = app.test_client()
    login(client, username, f.PASSWORD)
    return client, csrf_token(client, "/learn/")


def quiz_state(html: str) -> dict:
    """The state a quiz page gives quiz.js: the attempt, its deadline, saved answers and addresses."""
    return json.loads(re.search(r'id="quiz-state">(.*?)</script>', html, re.S)[1])


def start(app, client, token, assignment_id) -> int:
    """Press Start: the answer is the quiz page itself, whose state names the attempt."""
    response = client.post(f"/learn/assignments/{assignment_id}/start", data={"csrf_token": token})
    assert response.status_code == 200, response.get_data(as_text=True)
    return quiz_state(response.get_data(as_text=True))["attempt"]


CHOICE_ITEMS = {"q-single", "q-multiple"}         # the fixture's items whose choices an attempt shows by ids of its own


def as_shown(app, attempt_id, item, value):
    """An answer in written ids (``"a"``), in the ids the attempt's quiz page shows for its choices."""
    if item not in CHOICE_ITEMS:
        return value
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        layout = json.loads(attempt.layout) if attempt else {}
    return shown_answer(item, layout, value)


def put(client, token, attempt_id, item, value, seq):
    """Save an answer as quiz.js does, given in written ids."""
    value = as_shown(client.application, attempt_id, item, value)
    return client.put(f"/api/attempts/{attempt_id}/answers/{item}", json={"value": value, "seq": seq},
                      headers={"X-CSRFToken": token})


def submit(client, token, attempt_id):
    return client.post(f"/api/attempts/{attempt_id}/submit", headers={"X-CSRFToken": token})


@pytest.fixture
def ids(any_app):
    return f.world(any_app)


def test_start_answer_submit_grade_review(any_app, ids):
    client, token = student_client(any_app)
    attempt_id = start(any_app, client, token, ids["assignment_a"])
    page = client.get(f"/learn/attempts/{attempt_id}").get_data(as_text=True)
    assert "Question 8" in page and 'id="save-status"' in page
    for seq, (item, value) in enumerate(KEY.items(), start=1):
        assert put(client, token, attempt_id, item, value, seq).get_json()["saved"] is True
    assert put(client, token, attempt_id, "q-essay", "Davies was an ambassador who ...", 1).status_code == 200
    assert submit(client, token, attempt_id).get_json()["submitted"] is True
    with any_app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.score == 4.0 and attempt.points_possible == 13.0 and attempt.pending == 1
    review = client.get(f"/learn/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "Waiting for your teacher to mark it." in review and "Right" in review


def test_each_quiz_page_carries_its_own_attempts_addresses_under_the_sites_root(any_app, ids):
    def state_of(client, token, **where):
        page = client.post(f"/learn/assignments/{ids['assignment_a']}/start", data={"csrf_token": token}, **where)
        html = page.get_data(as_text=True)
        return quiz_state(html), html
    first, html = state_of(*student_client(any_app))
    at = f"/learn/attempts/{first['attempt']}"
    assert (first["url"], first["submit_url"], first["review_url"], first["save_url"]) == (
        at, f"/api/attempts/{first['attempt']}/submit", f"{at}/review",
        f"/api/attempts/{first['attempt']}/answers/__ITEM__")
    assert f'action="{at}/submit"' in html
    client, token = student_client(any_app, "student-a2")
    second, html = state_of(client, token, environ_overrides={"SCRIPT_NAME": "/history"})
    assert second["attempt"] != first["attempt"]
    assert second["url"] == f"/history/learn/attempts/{second['attempt']}"
    assert f'action="/history/learn/attempts/{second["attempt"]}/submit"' in html


def test_reloading_resumes_every_saved_answer(any_app, ids):
    client, token = student_client(any_app)
    attempt_id = start(any_app, client, token, ids["assignment_a"])
    put(client, token, attempt_id, "q-short", "eight hundred forty-three", 1)
    put(client, token, attempt_id, "q-multiple", ["a", "b"], 1)
    other_device, other_token = student_client(any_app)
    assert start(any_app, other_device, other_token, ids["assignment_a"]) == attempt_id   # same attempt, not a new one
    page = other_device.get(f"/learn/attempts/{attempt_id}").get_data(as_text=True)
    assert 'value="eight hundred forty-three"' in page
    state = other_device.get(f"/api/attempts/{attempt_id}").get_json()
    assert state["answers"]["q-multiple"] == {"value": as_shown(any_app, attempt_id, "q-multiple", ["a", "b"]),
                                              "seq": 1}


def test_a_late_older_save_never_overwrites_a_newer_one(any_app, ids):
    client, token = student_client(any_app)
    attempt_id = start(any_app, client, token, ids["assignment_a"])
    assert put(client, token, attempt_id, "q-short", "843", 5).get_json()["stale"] is False
    late = put(client, token, attempt_id, "q-short", "84", 4).get_json()
    assert late["stale"] is True and late["seq"] == 5
    again = put(client, token, attempt_id, "q-short", "843", 5).get_json()        # a retry of the same save
    assert again["saved"] is True
    assert client.get(f"/api/attempts/{attempt_id}").get_json()["answers"]["q-short"]["value"] == "843"


def test_submit_is_idempotent_under_double_clicks(any_app, ids):
    client, token = student_client(any_app)
    attempt_id = start(any_app, client, token, ids["assignment_a"])
    put(client, token, attempt_id, "q-single", "a", 1)
    results = [submit(client, token, attempt_id).status_code for _ in range(3)]
    assert results == [200, 200, 200]
    with any_app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.score == 1.0
    assert put(client, token, attempt_id, "q-tf", "false", 2).status_code == 409


def test_a_submit_that_fails_while_grading_leaves_the_attempt_open_to_submit_again(any_app, ids, monkeypatch):
    # the claim and the grades are one transaction, though the request's reads ran outside any (on PostgreSQL)
    client, token = student_client(any_app)
    attempt_id = start(any_app, client, token, ids["assignment_a"])
    put(client, token, attempt_id, "q-single", "a", 1)
    any_app.config["PROPAGATE_EXCEPTIONS"] = False

    def broken(attempt):
        raise RuntimeError("grading broke")
    monkeypatch.setattr(engine, "grade_attempt", broken)
    assert submit(client, token, attempt_id).status_code == 500
    with any_app.app_context():
        assert db.session.get(Attempt, attempt_id).submitted_at is None
    monkeypatch.undo()
    assert put(client, token, attempt_id, "q-tf", "false", 2).get_json()["saved"] is True
    assert submit(client, token, attempt_id).get_json()["submitted"] is True
    with any_app.app_context():
        assert db.session.get(Attempt, attempt_id).score == 2.0


def race(calls):
    """Run HTTP calls (each a function of no arguments) at the same moment, as students' browsers would."""
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def worker(index, call):
        barrier.wait()
        try:
            results[index] = call()
        except Exception as error:   # noqa: BLE001 - reported below
            errors.append(error)
    threads = [threading.Thread(target=worker, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


def run_together(app, functions):
    """Run engine functions at the same moment, each in its own app context and database session."""
    def in_context(function):
        def call():
            with app.app_context():
                try:
                    return function()
                finally:
                    db.session.remove()
        return call
    return race([in_context(function) for function in functions])


def test_racing_submits_grade_exactly_once(any_app, ids):
    client, token = student_client(any_app)
    attempt_id = start(any_app, client, token, ids["assignment_a"])
    put(client, token, attempt_id, "q-single", "a", 1)

    def submit_once():
        attempt = db.session.get(Attempt, attempt_id)
        engine.submit(attempt)
        return attempt.submitted_at
    stamps = run_together(any_app, [submit_once] * 4)
    assert len(set(stamps)) == 1
    with any_app.app_context():
        assert db.session.get(Attempt, attempt_id).score == 1.0


def test_two_tabs_racing_for_the_last_attempt_get_one(any_app, ids):
    with any_app.app_context():
        from corroborate.web.models import Assignment
        assignment = db.session.get(Assignment, ids["assignment_a"])
        assignment.attempts_allowed = 1
        db.session.commit()

    def start_one():
        from corroborate.web.models import Assignment
        from corroborate.web.state import unit
        assignment = db.session.get(Assignment, ids["assignment_a"])
        student = db.session.get(User, ids["student_a"])
        return engine.start(assignment, student, unit().module("sample"), engine.attempts_of(assignment, student)).id
    started = run_together(any_app, [start_one] * 4)
    assert len(set(started)) == 1
    with any_app.app_context():
        assert db.session.query(Attempt).count() == 1


def test_a_save_replaces_an_older_save_of_another_tab_committed_just_before_it(
        tmp_path, corpus, corpus_cache, postgres_url):
    """Another tab's older save of the same question is committed while this save is on its way (on PostgreSQL each
    statement sees what was committed before it began). The newer answer must be the one stored, and the older one
    must not be reported as newer."""
    app = postgres_app(tmp_path, corpus, corpus_cache, postgres_url)
    ids = f.world(app)
    client, token = student_client(app)
    attempt_id = start(app, client, token, ids["assignment_a"])
    other = create_engine(postgres_url)
    landed = []

    def an_older_save_lands_first(_connection, _cursor, statement, *_):
        if statement.startswith("INSERT INTO responses") and not landed:
            with other.begin() as connection_of_the_other_tab:   # another tab's save, committed just before this one's
                connection_of_the_other_tab.execute(insert(Response).values(
                    attempt_id=attempt_id, item_id="q-short", value='"older"', seq=3, saved_at=utcnow()))
            landed.append(True)
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", an_older_save_lands_first)   # the save's statement is seen
        saved = engine.save(db.session.get(Attempt, attempt_id), "q-short", "newest", 8)
        event.remove(db.engine, "before_cursor_execute", an_older_save_lands_first)
        db.session.remove()
        response = db.session.query(Response).filter_by(attempt_id=attempt_id, item_id="q-short").one()
        db.session.remove()
        db.engine.dispose()
    other.dispose()
    assert landed and (saved.stale, saved.seq) == (False, 8)
    assert (response.seq, json.loads(response.value)) == (8, "newest")


def test_racing_saves_keep_the_newest(any_app, ids):
    client, token = student_client(any_app)
    attempt_id = start(any_app, client, token, ids["assignment_a"])

    def saver(seq):
        return lambda: engine.save(db.session.get(Attempt, attempt_id), "q-short", f"answer {seq}", seq)
    run_together(any_app, [saver(seq) for seq in range(1, 9)])
    with any_app.app_context():
        response = db.session.query(Response).filter_by(attempt_id=attempt_id, item_id="q-short").one()
        assert (response.seq, json.loads(response.value)) == (8, "answer 8")


def test_a_class_pressing_start_together_each_get_their_own_quiz(any_app):
    """The first start of a module version stores its snapshot while the rest of the class is starting too."""
    teacher = f.user(any_app, "t", "teacher")
    students = [f.user(any_app, f"s{n}") for n in range(8)]
    class_id = f.classroom(any_app, teacher, students=tuple(students))
    assignment_id = f.assignment(any_app, class_id)
    browsers = [student_client(any_app, f"s{n}") for n in range(8)]

    def press_start(client, token):
        return lambda: client.post(f"/learn/assignments/{assignment_id}/start", data={"csrf_token": token})
    pages = race([press_start(*browser) for browser in browsers])
    assert [page.status_code for page in pages] == [200] * 8
    started = {quiz_state(page.get_data(as_text=True))["attempt"] for page in pages}
    with any_app.app_context():
        from corroborate.web.models import ModuleSnapshot
        assert len(started) == 8 and db.session.query(Attempt).count() == 8
        assert db.session.query(ModuleSnapshot).count() == 1
        assert {a.student_id for a in db.session.query(Attempt)} == set(students)
    # the page is filled in from one shell, but each names its own student and carries their own token and attempt
    for n, ((client, token), page) in enumerate(zip(browsers, pages)):
        html = page.get_data(as_text=True)
        assert f"Sign out s{n}</button>" in html and "<!--corroborate:hole" not in html
        assert not [m for m in range(8) if m != n and f"Sign out s{m}<" in html]
        tokens = set(re.findall(r'(?:name="csrf-token" content|name="csrf_token" value)="([^"]+)"', html))
        assert len(tokens) == 1
        attempt_id = quiz_state(html)["attempt"]
        assert f'action="/learn/attempts/{attempt_id}/submit"' in html
        assert put(client, tokens.pop(), attempt_id, "q-short", "843", 1).get_json()["saved"] is True


def test_a_message_waiting_for_the_student_is_shown_on_the_quiz_page(any_app, ids):
    client, token = student_client(any_app)
    start(any_app, client, token, ids["assignment_a"])                    # the quiz page's shell is built
    other, other_token = student_client(any_app, "student-b")
    with other.session_transaction() as session:
        session["_flashes"] = [("message", "You joined History 10B.")]
    page = other.post(f"/learn/assignments/{ids['assignment_b']}/start", data={"csrf_token": other_token})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "You joined History 10B." in html and "Sign out student-b" in html
    assert "You joined History 10B." not in other.get("/learn/").get_data(as_text=True)      # shown once


def test_tabs_racing_through_the_browser_share_one_attempt_and_grade_once(any_app, ids):
    with any_app.app_context():
        from corroborate.web.models import Assignment
        db.session.get(Assignment, ids["assignment_a"]).attempts_allowed = 1
        db.session.commit()
    tabs = [student_client(any_app) for _ in range(4)]
    pages = race([lambda c=c, t=t: c.post(f"/learn/assignments/{ids['assignment_a']}/start", data={"csrf_token": t})
                  for c, t in tabs])
    assert [page.status_code for page in pages] == [200] * 4
    attempts = {re.search(r'"attempt": (\d+)', page.get_data(as_text=True))[1] for page in pages}
    assert len(attempts) == 1
    attempt_id = int(attempts.pop())
    saves = race([lambda c=c, t=t, seq=seq: put(c, t, attempt_id, "q-short", f"answer {seq}", seq)
                  for seq, (c, t) in enumerate(tabs * 2, start=1)])
    assert [s.status_code for s in saves] == [200] * 8
    submits = race([lambda c=c, t=t: submit(c, t, attempt_id) for c, t in tabs])
    assert [s.get_json()["submitted"] for s in submits] == [True] * 4
    with any_app.app_context():
        response = db.session.query(Response).filter_by(attempt_id=attempt_id, item_id="q-short").one()
        assert (response.seq, json.loads(response.value)) == (8, "answer 8")
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.submitted and attempt.score == 0.0 and db.session.query(Attempt).count() == 1


def test_attempt_limit_is_enforced(any_app, ids):
    client, token = student_client(any_app)
    for _ in range(2):
        attempt_id = start(any_app, client, token, ids["assignment_a"])
        submit(client, token, attempt_id)
    third = client.post(f"/learn/assignments/{ids['assignment_a']}/start", data={"csrf_token": token},
                        follow_redirects=True)
    assert "You have used all your attempts" in third.get_data(as_text=True)


def test_deadline_time_limit_clipped_to_due_date(any_app):
    teacher = f.user(any_app, "t", "teacher")
    student = f.user(any_app, "s")
    class_id = f.classroom(any_app, teacher, students=(student,))
    assignment_id = f.assignment(any_app, class_id, due_in=timedelta(minutes=10), time_limit_minutes=45)
    client, token = student_client(any_app, "s")
    attempt_id = start(any_app, client, token, assignment_id)
    with any_app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.deadline == attempt.assignment.due_at


def test_answers_before_the_deadline_count_and_later_ones_are_refused(any_app):
    teacher = f.user(any_app, "t", "teacher")
    student = f.user(any_app, "s")
    class_id = f.classroom(any_app, teacher, students=(student,))
    assignment_id = f.assignment(any_app, class_id, time_limit_minutes=30, review_policy="immediately")
    client, token = student_client(any_app, "s")
    attempt_id = start(any_app, client, token, assignment_id)
    put(client, token, attempt_id, "q-single", "a", 1)
    with any_app.app_context():     # the clock runs past the deadline
        attempt = db.session.get(Attempt, attempt_id)
        attempt.deadline = utcnow() - timedelta(seconds=1)
        db.session.commit()
    late = put(client, token, attempt_id, "q-tf", "false", 1)
    assert late.status_code == 409 and "Time is up" in late.get_json()["reason"]
    with any_app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.submitted and attempt.score == 1.0


def test_close_expired_submits_abandoned_attempts(any_app, ids):
    client, token = student_client(any_app)
    attempt_id = start(any_app, client, token, ids["assignment_a"])
    put(client, token, attempt_id, "q-single", "a", 1)
    with any_app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        attempt.deadline = utcnow() - timedelta(minutes=1)
        db.session.commit()
    result = any_app.test_cli_runner().invoke(args=["attempts", "close-expired"])
    assert "closed 1 expired attempt(s)" in result.output
    with any_app.app_context():
        assert db.session.get(Attempt, attempt_id).score == 1.0


def test_attempt_is_pinned_to_its_module_version(any_app, ids):
    client, token = student_client(any_app)
    attempt_id = start(any_app, client, token, ids["assignment_a"])
    put(client, token, attempt_id, "q-single", "a", 1)
    # the curriculum changes under the attempt: the key of q-single moves to option b
    from corroborate.web.state import unit
    from dataclasses import replace
    built = unit(any_app)
    module = built.module("sample")
    item = module.item("q-single")
    flipped = replace(item, options=tuple(replace(o, correct=not o.correct) for o in item.options))
    edited = replace(module, items=tuple(flipped if i.id == "q-single" else i for i in module.items), version="edited")
    any_app.extensions["corroborate.unit"] = replace(built, modules=(edited,))
    submit(client, token, attempt_id)
    with any_app.app_context():
        assert db.session.get(Attempt, attempt_id).score == 1.0      # graded on the version it started on


def test_other_students_attempts_are_404(any_app, ids):
    client, token = student_client(any_app)
    attempt_id = start(any_app, client, token, ids["assignment_a"])
    intruder, intruder_token = student_client(any_app, "student-a2")
    assert intruder.get(f"/learn/attempts/{attempt_id}").status_code == 404
    assert put(intruder, intruder_token, attempt_id, "q-single", "b", 9).status_code == 404
    assert intruder.get(f"/api/attempts/{attempt_id}").status_code == 404
    assert submit(intruder, intruder_token, attempt_id).status_code == 404


def test_a_quiz_of_an_archived_class_cannot_be_started(any_app, ids):
    client, token = student_client(any_app)
    with any_app.app_context():
        db.session.get(Classroom, ids["class_a"]).archived = True
        db.session.commit()
    response = client.post(f"/learn/assignments/{ids['assignment_a']}/start", data={"csrf_token": token})
    assert response.status_code == 404 and "no such assignment" in response.get_data(as_text=True)
    with any_app.app_context():
        assert db.session.query(Attempt).count() == 0


def test_api_errors_are_json_with_a_reason(any_app, ids):
    client, token = student_client(any_app)
    attempt_id = start(any_app, client, token, ids["assignment_a"])
    bad = client.put(f"/api/attempts/{attempt_id}/answers/q-single", json={"value": "a"},
                     headers={"X-CSRFToken": token})
    assert bad.status_code == 400 and "seq" in bad.get_json()["reason"]
    missing = put(client, token, attempt_id, "no-such-item", "a", 1)
    assert missing.status_code == 404 and missing.get_json()["reason"]
    anonymous = any_app.test_client().put(f"/api/attempts/{attempt_id}/answers/q-single", json={"value": "a", "seq": 1})
    assert anonymous.status_code in (400, 401)


def test_no_key_reaches_the_browser_before_review(any_app):
    teacher = f.user(any_app, "t", "teacher")
    student = f.user(any_app, "s")
    class_id = f.classroom(any_app, teacher, students=(student,))
    assignment_id = f.assignment(any_app, class_id, review_policy="after_due")
    client, token = student_client(any_app, "s")
    attempt_id = start(any_app, client, token, assignment_id)
    served = client.get(f"/learn/attempts/{attempt_id}").get_data(as_text=True)
    served += json.dumps(client.get(f"/api/attempts/{attempt_id}").get_json())
    for secret in ('"correct"', "correct:", "Yes.", "No; Davies is the one judged.", "Read &#34;swallowed",
                   "Right.", "eight hundred forty-three", "Zinovievists", "Rogovin writes decades later",
                   "As ambassador..."):
        assert secret not in served, secret
    submit(client, token, attempt_id)
    review = client.get(f"/learn/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "after the due date" in review and "Answer:" not in review and "Yes." not in review


def test_review_after_due_date_shows_keys_and_feedback(any_app):
    teacher = f.user(any_app, "t", "teacher")
    student = f.user(any_app, "s")
    class_id = f.classroom(any_app, teacher, students=(student,))
    assignment_id = f.assignment(any_app, class_id, review_policy="after_due", due_in=timedelta(minutes=5))
    client, token = student_client(any_app, "s")
    attempt_id = start(any_app, client, token, assignment_id)
    put(client, token, attempt_id, "q-single", "b", 1)
    submit(client, token, attempt_id)
    with any_app.app_context():
        from corroborate.web.models import Assignment
        db.session.get(Assignment, assignment_id).due_at = utcnow() - timedelta(minutes=1)
        db.session.commit()
    review = client.get(f"/learn/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "No; Davies is the one judged." in review and "Answer:" in review


@pytest.mark.parametrize("opens_in, due_in, message", [
    (timedelta(days=1), timedelta(days=2), "This quiz opens on"),
    (timedelta(days=-3), timedelta(days=-1), "This quiz is closed: its due date has passed."),
])
def test_a_quiz_not_yet_open_or_closed_says_so(any_app, opens_in, due_in, message):
    teacher = f.user(any_app, "t", "teacher")
    student = f.user(any_app, "s")
    class_id = f.classroom(any_app, teacher, students=(student,))
    assignment_id = f.assignment(any_app, class_id, opens_in=opens_in, due_in=due_in)
    client, token = student_client(any_app, "s")
    page = client.post(f"/learn/assignments/{assignment_id}/start", data={"csrf_token": token},
                       follow_redirects=True).get_data(as_text=True)
    assert message in page
    with any_app.app_context():
        assert db.session.query(Attempt).count() == 0
