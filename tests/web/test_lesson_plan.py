"""The module's ``timing:`` as a lesson plan for teachers: on the module page's teacher view and in the teacher
edition (a real WeasyPrint PDF, read back as text); students never get it."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pypdf

from corroborate.curriculum.build import build_unit
from corroborate.handouts.render import Request, render
from tests import factories as f
from tests.conftest import FIXTURE_CURRICULUM, login

STEPS = ("Starter: what makes a source disagree?", "Read the documents and answer the quiz.", "Plenary.")


def signed_in(app, username):
    client = app.test_client()
    login(client, username, f.PASSWORD)
    return client


def test_the_teacher_view_of_a_module_shows_its_lesson_plan_and_students_do_not(app):
    f.user(app, "rivera", "teacher")
    f.user(app, "ana")
    page = signed_in(app, "rivera").get("/modules/sample").get_data(as_text=True)
    plan = page[page.index("Lesson plan"):]
    assert "Lesson plan · 1 lesson of 50 minutes" in page
    rows = re.findall(r"<tr><td>(\d+)</td><td>(\d+)</td><td>([^<]+)</td></tr>", plan)
    assert rows == [("1", "10", STEPS[0]), ("1", "30", STEPS[1]), ("1", "10", STEPS[2])]
    for client in (signed_in(app, "ana"), app.test_client()):
        assert "Lesson plan" not in client.get("/modules/sample").get_data(as_text=True)


def test_the_teacher_edition_prints_the_lesson_plan_and_the_student_edition_does_not(corpus):
    unit, _ = build_unit(Path(FIXTURE_CURRICULUM), corpus)
    module, sources = unit.module("sample"), {s.id: s for s in corpus.sources}

    def text(edition: str) -> str:
        pdf = render(Request(module, edition, "A", "a4"), sources)
        return re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages))
    teacher = text("teacher")
    assert "Lesson plan · 1 lesson of 50 minutes" in teacher
    assert "1 10 Starter: what makes a source disagree?" in teacher and "1 10 Plenary." in teacher
    student = text("student")
    assert "Lesson plan" not in student and "Plenary." not in student
    assert "Corroborate passage" not in teacher + student
