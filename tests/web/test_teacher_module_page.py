"""A teacher on a lesson: the tools to assign it, preview its quiz (nothing stored) and print or export it, in plain
sight; students and visitors never get them, however the shared page cache serves the lesson."""
from __future__ import annotations

import re

from corroborate.web.extensions import db
from corroborate.web.models import Attempt, Response
from tests import factories as f
from tests.conftest import csrf_token, login, post

TOOLS = ("Assign to a class", "Preview the quiz as a student", "Teacher edition with key and rubrics", "Moodle XML")


def signed_in(app, username):
    client = app.test_client()
    login(client, username, f.PASSWORD)
    return client


def outside_details(page: str, text: str) -> bool:
    at = page.index(text)
    return page.rfind("<details", 0, at) <= page.rfind("</details>", 0, at)


def test_the_teacher_gets_the_tools_in_plain_sight_and_students_never_do(app):
    f.user(app, "rivera", "teacher")
    f.user(app, "ana")
    rivera, ana, visitor = signed_in(app, "rivera"), signed_in(app, "ana"), app.test_client()
    for _ in range(3):                                  # rendered first, then served by the page cache, interleaved
        for who, client in (("ana", ana), ("rivera", rivera), ("visitor", visitor)):
            page = client.get("/modules/sample").get_data(as_text=True)
            if who == "rivera":
                assert all(tool in page and outside_details(page, tool) for tool in TOOLS)
                assert "Your teacher assigns the quiz" not in page
            else:
                assert not any(tool in page for tool in TOOLS), who
                assert "Your teacher assigns the quiz to your class" in page


def test_assign_to_a_class_goes_to_the_form_of_the_one_class_or_offers_a_choice(app):
    teacher = f.user(app, "rivera", "teacher")
    first = f.classroom(app, teacher, "History 10B")
    rivera = signed_in(app, "rivera")
    answer = rivera.get("/modules/sample/assign")
    assert answer.status_code == 302 and answer.headers["Location"].endswith(
        f"/teach/classes/{first}/assign?module=sample")
    second = f.classroom(app, teacher, "History 11A")
    f.classroom(app, teacher, "Old class", archived=True)
    page = rivera.get("/modules/sample/assign").get_data(as_text=True)
    assert f"/teach/classes/{first}/assign?module=sample" in page and f"/teach/classes/{second}/assign?module=sample" in page
    assert "Old class" not in page
    form = rivera.get(f"/teach/classes/{second}/assign?module=sample").get_data(as_text=True)
    assert re.search(r'<option selected value="sample"|<option value="sample" selected', form)


def test_students_cannot_preview_or_reach_the_assign_choice(app):
    f.user(app, "ana")
    ana = signed_in(app, "ana")
    assert ana.get("/modules/sample/preview").status_code == 403
    assert ana.get("/modules/sample/assign").status_code == 403
    assert post(ana, "/modules/sample/preview", {"answer-q-single": "a"}).status_code == 403


def test_the_preview_grades_the_answers_and_stores_nothing(app):
    f.world(app)
    rivera = signed_in(app, "teacher-a")
    page = rivera.get("/modules/sample/preview").get_data(as_text=True)
    assert 'id="quiz"' in page and 'data-item="q-single"' in page and "not stored" in page
    assert 'id="quiz-state"' not in page                   # no autosave: quiz.js has no attempt to save to
    token = csrf_token(rivera, "/modules/sample/preview")
    answered = rivera.post("/modules/sample/preview", data={"csrf_token": token, "answer-q-single": "a",
                                                            "answer-q-tf": "true", "answer-q-short": "843"})
    result = answered.get_data(as_text=True)
    assert answered.status_code == 200
    marks = dict(re.findall(r"<strong>Question (\d+):</strong>\s*<span class=\"result (\w+)", result))
    assert marks["1"] == "right" and "wrong" in marks.values(), marks
    assert re.search(r'value="a"[^>]*checked|checked[^>]*value="a"', result)      # the answer stays on the page
    with app.app_context():
        assert db.session.query(Attempt).count() == 0 and db.session.query(Response).count() == 0
    assert rivera.post("/modules/sample/preview", data={"answer-q-single": "a"}).status_code == 400     # CSRF


def test_the_preview_asks_the_generated_questions_the_teacher_kept_after_the_written_ones(app):
    f.world(app)
    rivera = signed_in(app, "teacher-a")
    page = rivera.get("/modules/sample/preview").get_data(as_text=True)
    assert "that you keep are added here too" in page and 'data-item="gen-' not in page
    generated = rivera.get("/teach/modules/sample/generated").get_data(as_text=True)
    keep = re.findall(r'name="keep" value="(gen-[a-z-]+-[0-9a-f]{8})"', generated)[:2]
    post(rivera, "/teach/modules/sample/generated", {"keep": keep}, page="/teach/modules/sample/generated")
    page = rivera.get("/modules/sample/preview").get_data(as_text=True)
    shown = re.findall(r'data-item="([^"]+)"', page)
    assert shown[-2:] == keep and not any(i.startswith("gen-") for i in shown[:-2])
    assert re.search(r"The last 2\s+questions are generated ones you kept", page)
    post(rivera, "/teach/modules/sample/generated", {"keep": keep[:1]}, page="/teach/modules/sample/generated")
    assert re.search(r"The last question is a generated one you kept",
                     rivera.get("/modules/sample/preview").get_data(as_text=True))
    answered = post(rivera, "/modules/sample/preview", {f"answer-{keep[0]}": "zzz-not-an-option"},
                    page="/modules/sample/preview")
    assert answered.status_code == 200
    assert f"<strong>Question {len(shown) - 1}:</strong>" in answered.get_data(as_text=True)   # the kept one, last
    other = signed_in(app, "teacher-b")
    assert 'data-item="gen-' not in other.get("/modules/sample/preview").get_data(as_text=True)   # kept by her alone

