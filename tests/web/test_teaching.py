"""Teacher flows: classes, rosters with login slips, assignments, grading written answers, gradebook CSV, analysis."""
from __future__ import annotations

import pytest

import csv
import html
import io
import re

import pypdf

from corroborate.web.extensions import db
from corroborate.web.models import Assignment, Attempt, Classroom, User
from tests import factories as f
from tests.conftest import csrf_token, login, post
from tests.web.test_quiz_engine import put, start, student_client, submit


@pytest.fixture
def app(any_app):
    """These database-backed tests run on SQLite and on PostgreSQL."""
    return any_app


def teacher_client(app, username="teacher-a"):
    client = app.test_client()
    login(client, username, f.PASSWORD)
    return client


def test_create_rename_and_archive_a_class(app):
    f.user(app, "teach", "teacher")
    client = teacher_client(app, "teach")
    response = post(client, "/teach/classes/new", {"name": "History 10B"}, page="/teach/classes/new",
                    follow_redirects=True)
    page = response.get_data(as_text=True)
    code = re.search(r'class="code big">([A-Z0-9]{6})<', page)[1]
    assert f"Students join with the code {code}" in page
    with app.app_context():
        class_id = db.session.query(Classroom).one().id
    post(client, f"/teach/classes/{class_id}/rename", {"name": "History 10C"}, page=f"/teach/classes/{class_id}/rename")
    post(client, f"/teach/classes/{class_id}/archive", page=f"/teach/classes/{class_id}")
    with app.app_context():
        found = db.session.get(Classroom, class_id)
        assert (found.name, found.archived) == ("History 10C", True)


def test_over_long_class_name_keeps_the_input(app):
    f.user(app, "teach", "teacher")
    client = teacher_client(app, "teach")
    page = post(client, "/teach/classes/new", {"name": "H" * 101}, page="/teach/classes/new").get_data(as_text=True)
    assert "Field cannot be longer than 100 characters" in page and 'value="' + "H" * 101 + '"' in page


def assign(client, class_id, **fields):
    data = {"module_id": "sample", "open_at": "2030-01-10T09:00", "due_at": "2030-01-17T09:00",
            "attempts_allowed": "1", "grading_method": "highest", "review_policy": "after_due",
            "shuffle_questions": "y"}
    data.update(fields)
    return post(client, f"/teach/classes/{class_id}/assign", data, page=f"/teach/classes/{class_id}/assign")


def test_assigning_a_module_with_settings(app):
    ids = f.world(app)
    client = teacher_client(app)
    response = assign(client, ids["class_a"], time_limit_minutes="40", attempts_allowed="3", grading_method="average",
                      review_policy="immediately")
    assert response.status_code == 302
    with app.app_context():
        found = db.session.query(Assignment).order_by(Assignment.id.desc()).first()
        assert (found.time_limit_minutes, found.attempts_allowed, found.grading_method, found.review_policy,
                found.shuffle_questions, found.shuffle_options) == (40, 3, "average", "immediately", True, False)


def test_due_before_open_rerenders_with_the_input(app):
    ids = f.world(app)
    page = assign(teacher_client(app), ids["class_a"], due_at="2030-01-01T09:00").get_data(as_text=True)
    assert "The due date must come after the opening date." in page
    assert 'value="2030-01-01T09:00"' in page and 'value="2030-01-10T09:00"' in page


def upload(client, class_id, roster: bytes):
    return client.post(f"/teach/classes/{class_id}/roster",
                       data={"roster": (io.BytesIO(roster), "roster.csv"),
                             "csrf_token": csrf_token(client, f"/teach/classes/{class_id}")},
                       content_type="multipart/form-data")


def confirm(client, class_id, preview: str):
    """Press the preview's button: post back the rows it shows (as a browser sends the form)."""
    names = re.findall(r'<input type="hidden" name="name" value="([^"]*)">', preview)
    usernames = re.findall(r'<input type="hidden" name="username" value="([^"]*)">', preview)
    return client.post(f"/teach/classes/{class_id}/roster/confirm",
                       data={"name": [html.unescape(n) for n in names], "username": usernames,
                             "csrf_token": csrf_token(client, f"/teach/classes/{class_id}")})


def test_roster_csv_creates_students_and_login_slips(app):
    ids = f.world(app)
    client = teacher_client(app)
    preview = upload(client, ids["class_a"], "name,username\nZoë Ångström,zoe\nMarcus Lee,marcus.lee\n".encode())
    with app.app_context():
        assert db.session.query(User).filter_by(username="zoe").count() == 0       # nothing before the confirmation
    response = confirm(client, ids["class_a"], preview.get_data(as_text=True))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.data)).pages)
    assert "Zoë Ångström" in text and "marcus.lee" in text
    password = re.search(r"zoe\s*Password\s*(\S+)", text)[1]
    fresh = app.test_client()
    assert login(fresh, "zoe", password).headers["Location"].endswith("/account/password")


def test_bad_roster_rows_are_reported_by_line(app):
    ids = f.world(app)
    client = teacher_client(app)
    response = upload(client, ids["class_a"], b"name,username\nAna,student-b\nBen\nCarl,carl\nCarl Two,carl\n")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "line 3: no username (nor an email or student id to make one from)" in page
    assert "line 5: “carl” appears twice in the file" in page
    assert "line 2: the username “student-b” is taken by an account outside your classes" in page
    with app.app_context():
        assert db.session.query(User).filter_by(username="carl").count() == 0      # nothing half-done


def finish_attempt(app, username, answers, essay="My essay"):
    client, token = student_client(app, username)
    attempt_id = start(app, client, token, 1)
    for seq, (item, value) in enumerate(answers.items(), start=1):
        put(client, token, attempt_id, item, value, seq)
    put(client, token, attempt_id, "q-essay", essay, 1)
    submit(client, token, attempt_id)
    return attempt_id


def test_grading_queue_marks_an_essay_and_the_student_sees_it(app):
    ids = f.world(app)
    attempt_id = finish_attempt(app, "student-a", {"q-single": "a"}, essay="<script>alert(1)</script> Davies was")
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)          # submitted: the essay waits, the choice is scored
        assert attempt.pending == 1 and attempt.score == 1.0
    client = teacher_client(app)
    queue = client.get("/teach/grading").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Davies was" in queue and "<script>alert(1)" not in queue
    with app.app_context():
        response_id = next(r.id for r in db.session.get(Attempt, attempt_id).responses if r.item_id == "q-essay")
    post(client, f"/teach/responses/{response_id}/grade", {"level": "emergent", "comment": "Say why he was there."},
         page="/teach/grading")
    with app.app_context():
        attempt = db.session.get(Attempt, attempt_id)
        assert attempt.pending == 0 and attempt.score == 1.0 + 4.0
    student, _ = student_client(app, "student-a")
    review = student.get(f"/learn/attempts/{attempt_id}/review").get_data(as_text=True)
    assert "Marked emergent" in review and "Say why he was there." in review
    assert "Nothing to mark" in client.get("/teach/grading").get_data(as_text=True)
    assert ids


def test_the_teachers_view_of_an_attempt_gives_every_answer_in_words(app):
    """Every type says its answer in words there, ordering included (that page once failed on an ordering answer)."""
    from corroborate.items import element_id
    f.world(app)
    order = ["The third Moscow trial", "Kirov is murdered", "The first Moscow trial"]
    match = {element_id("L:Goldman"): element_id("R:Soviet prosecutor"),
             element_id("L:Davies"): element_id("R:US ambassador")}
    attempt_id = finish_attempt(app, "student-a", {
        "q-single": "a", "q-multiple": ["a", "c"], "q-tf": "false", "q-match": match,
        "q-order": [element_id(text) for text in order], "q-short": "eight hundred",
        "q-cloze": ["NKVD", "", "Zinovievists"]}, essay="Davies was there")
    response = teacher_client(app).get(f"/teach/attempts/{attempt_id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    plain = " ".join(re.sub(r"<[^>]+>", " ", page).split())
    for words in ("Rogovin Student&#39;s answer ✓ right", "Goldman&#39;s arrest figures Student&#39;s answer ✗ wrong",
                  "False Student&#39;s answer ✓ right", "Goldman Student&#39;s answer Soviet prosecutor ✗ wrong",
                  "Rogovin Student&#39;s answer —", "Davies Student&#39;s answer US ambassador ✓ right",
                  "Student&#39;s answer: The third Moscow trial ✗ wrong Kirov is murdered ✗ wrong The first Moscow trial",
                  "Student&#39;s answer: eight hundred ✗ wrong", "NKVD ✓ right", "— ✗ wrong (answer: 843)",
                  "Zinovievists ✓ right", "Davies was there"):
        assert words in plain, words


def test_gradebook_and_its_csv(app):
    ids = f.world(app)
    finish_attempt(app, "student-a", {"q-single": "a", "q-tf": "false"})
    client = teacher_client(app)
    page = client.get(f"/teach/classes/{ids['class_a']}/gradebook").get_data(as_text=True)
    assert "Student-A" in page and "15% so far" in page and "1 to mark" in page
    response = client.get(f"/teach/classes/{ids['class_a']}/gradebook.csv")
    assert response.mimetype == "text/csv" and response.data.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [r["Username"] for r in rows] == ["student-a", "student-a2"]
    (column,) = [c for c in rows[0] if c.startswith("A sample module") and c.endswith("[%]")]
    assert rows[0][column] == "" and rows[1][column] == ""              # the essay waits: no figure to import
    (status,) = [c for c in rows[0] if c.startswith("A sample module") and c.endswith("status")]
    assert rows[0][status] == "provisional: 1 written answer to mark" and rows[1][status] == "not submitted"


def test_results_show_item_analysis_chart_and_skills(app):
    ids = f.world(app)
    for username in ("student-a", "student-a2"):
        finish_attempt(app, username, {"q-single": "a" if username == "student-a" else "b"})
    page = teacher_client(app).get(f"/teach/assignments/{ids['assignment_a']}/results").get_data(as_text=True)
    assert "<svg" in page and "Item facility and discrimination" in page
    assert "✓ Rogovin: 1" in page and "Davies: 1" in page
    assert "Corroboration" in page and "Whole class" in page


def test_demo_creates_a_class_and_prints_logins(tmp_path, corpus, corpus_cache, sqlite_template):
    from app import create_app
    from tests.conftest import FIXTURE_CURRICULUM
    import shutil
    database = tmp_path / "demo.sqlite3"
    shutil.copy(sqlite_template, database)
    app = create_app({"SECRET_KEY": "x", "CACHE_DIR": str(corpus_cache), "CURRICULUM_DIR": str(FIXTURE_CURRICULUM),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
    app.extensions["corroborate.corpus"] = corpus
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0
    assert re.search(r"teacher\s+teacher\s+\S+", result.output) and result.output.count("student ") == 5
    with app.app_context():
        assert db.session.query(Classroom).one().assignments
    again = app.test_cli_runner().invoke(args=["demo", "--if-empty"])
    assert again.exit_code == 0 and "Demo logins" in again.output
