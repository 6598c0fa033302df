"""A teacher previews generated items, keeps some, and chooses them for an assignment; students then get them."""
from __future__ import annotations

import pytest

import re

from corroborate.web.extensions import db
from corroborate.web.models import Assignment, Attempt
from tests import factories as f
from tests.conftest import csrf_token, login
from tests.web.test_quiz_engine import start, student_client


@pytest.fixture
def app(any_app):
    """These database-backed tests run on SQLite and on PostgreSQL."""
    return any_app


def test_keep_generated_items_and_add_them_to_an_assignment(app):
    ids = f.world(app)
    teacher = app.test_client()
    login(teacher, "teacher-a", f.PASSWORD)
    page = teacher.get("/teach/modules/sample/generated").get_data(as_text=True)
    generated = re.findall(r'name="keep" value="(gen-[a-z-]+-[0-9a-f]{8})"', page)
    assert len(generated) >= 5 and "✔" in page                 # the teacher sees keys
    keep = generated[:3]
    teacher.post("/teach/modules/sample/generated", data={"keep": keep, "csrf_token": csrf_token(teacher,
                                                          "/teach/modules/sample/generated")})
    page = teacher.get("/teach/modules/sample/generated").get_data(as_text=True)
    assert sum(f'value="{g}" checked' in page for g in generated) == 3

    form = teacher.get(f"/teach/assignments/{ids['assignment_a']}/edit").get_data(as_text=True)
    assert all(f'value="{g}"' in form for g in keep) and generated[3] not in form
    token = csrf_token(teacher, f"/teach/assignments/{ids['assignment_a']}/edit")
    with app.app_context():
        a = db.session.get(Assignment, ids["assignment_a"])
        data = {"module_id": "sample", "open_at": a.open_at.strftime("%Y-%m-%dT%H:%M"),
                "due_at": a.due_at.strftime("%Y-%m-%dT%H:%M"), "attempts_allowed": "2", "grading_method": "highest",
                "review_policy": "immediately", "generated": keep[:2] + [generated[4]], "csrf_token": token}
    assert teacher.post(f"/teach/assignments/{ids['assignment_a']}/edit", data=data).status_code == 302
    with app.app_context():
        assert db.session.get(Assignment, ids["assignment_a"]).generated_ids == keep[:2]   # a dropped one is refused

    client, token = student_client(app)
    attempt_id = start(app, client, token, ids["assignment_a"])
    quiz = client.get(f"/learn/attempts/{attempt_id}").get_data(as_text=True)
    assert quiz.count('class="item item-') == 8 + 2
    with app.app_context():
        assert db.session.get(Attempt, attempt_id).points_possible == 13 + 2


def test_students_cannot_see_generated_previews(app):
    f.user(app, "ana")
    client = app.test_client()
    login(client, "ana", f.PASSWORD)
    assert client.get("/teach/modules/sample/generated").status_code == 403


def test_teacher_downloads_exports_with_kept_generated_items(app):
    import io
    import zipfile
    f.user(app, "rivera", "teacher")
    teacher = app.test_client()
    login(teacher, "rivera", f.PASSWORD)
    page = teacher.get("/teach/modules/sample/generated").get_data(as_text=True)
    kept = re.findall(r'name="keep" value="(gen-[a-z-]+-[0-9a-f]{8})"', page)[0]
    teacher.post("/teach/modules/sample/generated", data={"keep": [kept], "csrf_token": csrf_token(
        teacher, "/teach/modules/sample/generated")})
    moodle = teacher.get("/teach/modules/sample/export/moodle-xml")
    assert moodle.mimetype == "application/xml" and b"<quiz>" in moodle.data and kept.encode() in moodle.data
    assert 'filename="sample.moodle.xml"' in moodle.headers["Content-Disposition"]
    qti = teacher.get("/teach/modules/sample/export/qti")
    assert "imsmanifest.xml" in zipfile.ZipFile(io.BytesIO(qti.data)).namelist()
    assert b"::q-single::" in teacher.get("/teach/modules/sample/export/gift").data
    assert teacher.get("/teach/modules/sample/export/pdf").status_code == 404
    student_id = f.user(app, "ana")
    assert student_id
    student = app.test_client()
    login(student, "ana", f.PASSWORD)
    assert student.get("/teach/modules/sample/export/gift").status_code == 403


def test_cli_quiz_export(runner, tmp_path):
    target = tmp_path / "quiz.gift.txt"
    result = runner.invoke(args=["quiz", "export", "sample", "--format", "gift", "-o", str(target)])
    assert result.exit_code == 0 and "wrote 8 item(s)" in result.output
    assert "$CATEGORY:" in target.read_text()
