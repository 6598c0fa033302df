"""The student's pages: a warning before a timed or last attempt starts, where each assignment stands on the
dashboard, and the quiz page with its documents beside the questions (and still no key)."""
from __future__ import annotations

import re

from corroborate.web.extensions import db
from corroborate.web.models import Attempt
from tests import factories as f
from tests.web.test_quiz_engine import put, start, student_client, submit


def setup(app, **settings) -> int:
    teacher = f.user(app, "rivera", "teacher")
    student = f.user(app, "ana")
    class_id = f.classroom(app, teacher, students=(student,))
    return f.assignment(app, class_id, **settings)


def test_a_timed_single_attempt_quiz_warns_before_the_start_button(app):
    assignment_id = setup(app, time_limit_minutes=40, attempts_allowed=1)
    client, _ = student_client(app, "ana")
    page = client.get(f"/learn/assignments/{assignment_id}").get_data(as_text=True)
    warning = page.index("Before you start")
    assert warning < page.index(f'action="/learn/assignments/{assignment_id}/start"')
    text = " ".join(re.sub(r"<[^>]+>", " ", page[warning:]).split())
    assert "You have 40 minutes from the moment you press Start" in text
    assert "This is your only attempt" in text
    assert "When the time is up, or at the due date" in text and "submitted with the answers saved by then" in text
    deadline = text[text.index("if that comes first"):text.index("the quiz is submitted")]
    assert deadline.count("(") == deadline.count(")") <= 1, deadline        # "(UTC)" once, never "(… (UTC))"
    assert "(40-minute timer)" in text


def test_an_untimed_quiz_with_attempts_to_spare_starts_without_a_warning(app):
    assignment_id = setup(app, attempts_allowed=3)
    client, _ = student_client(app, "ana")
    page = client.get(f"/learn/assignments/{assignment_id}").get_data(as_text=True)
    assert "Before you start" not in page and "Start the quiz" in page


def test_the_last_of_several_attempts_is_announced_as_the_last(app):
    assignment_id = setup(app, attempts_allowed=2, review_policy="immediately")
    client, token = student_client(app, "ana")
    submit(client, token, start(app, client, token, assignment_id))
    page = client.get(f"/learn/assignments/{assignment_id}").get_data(as_text=True)
    assert "This is your last attempt" in page


def dashboard_row(client) -> str:
    page = client.get("/learn/").get_data(as_text=True)
    return " ".join(re.sub(r"<[^>]+>", " ", re.search(r'<ul class="assignment-list">(.*?)</ul>', page, re.S)[1]).split())


def test_the_dashboard_says_where_each_assignment_stands_and_its_time_limit(app):
    assignment_id = setup(app, time_limit_minutes=40, review_policy="immediately")
    client, token = student_client(app, "ana")
    row = dashboard_row(client)
    assert "Not started" in row and "40-minute time limit" in row and "0 of 1 attempt used" in row
    attempt_id = start(app, client, token, assignment_id)
    assert re.search(r"In progress: (39|40) minutes left", dashboard_row(client))
    put(client, token, attempt_id, "q-essay", "Davies was an ambassador, not a historian.", 1)
    put(client, token, attempt_id, "q-single", "a", 1)
    submit(client, token, attempt_id)
    row = dashboard_row(client)
    assert "Submitted: 1 written answer waiting for your teacher to mark" in row and "%" not in row
    with app.app_context():              # the teacher marks it
        attempt = db.session.get(Attempt, attempt_id)
        attempt.pending = 0
        db.session.commit()
    assert re.search(r"Marked · \d+%", dashboard_row(client))


def test_marks_after_the_due_date_are_announced_as_such(app):
    assignment_id = setup(app, review_policy="after_due")
    client, token = student_client(app, "ana")
    submit(client, token, start(app, client, token, assignment_id))
    row = dashboard_row(client)
    assert "Submitted: marks after the due date" in row and "%" not in row


def test_the_quiz_page_carries_the_documents_and_the_answered_count_but_no_key(app):
    assignment_id = setup(app)
    client, token = student_client(app, "ana")
    start(app, client, token, assignment_id)
    with app.app_context():
        attempt_id = db.session.query(Attempt).one().id
    page = client.get(f"/learn/attempts/{attempt_id}").get_data(as_text=True)
    panel = page[page.index('id="documents-panel"'):]
    for excerpt in ("arrests", "third-trial", "bait", "davies-diary"):
        assert f'id="doc-{excerpt}"' in panel
    assert "swallowed the bait" in panel and 'id="answered-count"' in page and 'id="unanswered-warning"' in page
    assert page.index('id="quiz"') < page.index('id="documents-panel"')      # without JavaScript: after the questions
    for secret in ('"correct"', "Right.", "Zinovievists", "As ambassador..."):
        assert secret not in page, secret
