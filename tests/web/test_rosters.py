"""Roster CSV files: a school system's export is read by its headers, previewed line by line, and nothing is created
until the teacher confirms; a student from another of the teacher's classes is enrolled, not refused."""
from __future__ import annotations

import io

import pypdf
import pytest

from corroborate.web.extensions import db
from corroborate.web.models import Enrollment, User
from corroborate.web.roster import read_roster
from tests import factories as f
from tests.conftest import login, post
from tests.web.test_teaching import confirm, teacher_client, upload

EXPORT = "First Name,Last Name,Email\nZoë,Ångström,zoe.angstrom@school.org\nMarcus,Lee,mlee@school.org\n"


@pytest.mark.parametrize("csv_text, expected", [
    (EXPORT, [("Zoë Ångström", "zoe.angstrom"), ("Marcus Lee", "mlee")]),
    ("Surname;Given name;Student ID\nLee;Marcus;10442\n", [("Marcus Lee", "10442")]),
    ("Full Name\tUsername\nAna Petrova\tAna.P\n", [("Ana Petrova", "ana.p")]),
    ("family_name,given_name\nNovak,Ella\n", [("Ella Novak", "ella.novak")]),
    ("Student Name,E-mail Address\nDev Sharma,dev@school.org\n", [("Dev Sharma", "dev")]),
    ("Ben Okafor,ben\nChloe Martin,chloe@school.org\n", [("Ben Okafor", "ben"), ("Chloe Martin", "chloe")]),
    ("name,username\nAna,ana\n", [("Ana", "ana")]),
])
def test_common_headers_and_no_header_are_recognised(csv_text, expected):
    rows, problems = read_roster(csv_text.encode())
    assert [(r.name, r.username) for r in rows] == expected and problems == []


def test_the_header_of_a_school_export_never_becomes_a_student():
    rows, _ = read_roster(EXPORT.encode())
    assert all(r.name != "First Name" and r.username != "lastname" for r in rows)


def test_problems_are_reported_per_line():
    rows, problems = read_roster("First Name,Last Name,Email\n,,x@school.org\nAna,Petrova,ana@s.org\n"
                                 "Ana,Petrova,ana@t.org\nJo,Li,\n".encode())
    assert [r.username for r in rows] == ["ana", "jo.li"]
    assert problems == ["line 2: no name", "line 4: “ana” appears twice in the file"]


def test_a_school_export_is_previewed_then_created_on_confirmation(app):
    ids = f.world(app)
    client = teacher_client(app)
    preview = upload(client, ids["class_a"], EXPORT.encode())
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Nothing is created yet" in page
    assert "Zoë Ångström" in page and "<code>zoe.angstrom</code>" in page and "New account" in page
    with app.app_context():
        assert db.session.query(User).filter(User.username.in_(["zoe.angstrom", "mlee"])).count() == 0
    slips = confirm(client, ids["class_a"], page)
    assert slips.mimetype == "application/pdf"
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(slips.data)).pages)
    assert "Zoë Ångström" in text and "mlee" in text
    with app.app_context():
        made = db.session.query(User).filter_by(username="zoe.angstrom").one()
        assert made.must_change_password and made.role == "student"
        assert db.session.query(Enrollment).filter_by(classroom_id=ids["class_a"], student_id=made.id).count() == 1


def test_a_student_of_another_of_my_classes_is_enrolled_not_refused(app):
    ids = f.world(app)
    other_class = f.classroom(app, ids["teacher_a"], "Class A2")
    client = teacher_client(app)
    page = upload(client, other_class, b"name,username\nStudent A,student-a\nNew One,new.one\n").get_data(as_text=True)
    assert "in another of your classes" in page and "keeps their password" in page
    confirm(client, other_class, page)
    with app.app_context():
        assert db.session.query(Enrollment).filter_by(classroom_id=other_class, student_id=ids["student_a"]).count()
    assert login(app.test_client(), "student-a", f.PASSWORD).headers["Location"].endswith("/learn/")  # unchanged
    only_known = upload(client, other_class, b"name,username\nStudent A,student-a\n").get_data(as_text=True)
    assert "Already in this class" in only_known and "There is nobody to add" in only_known


def test_a_username_of_someone_elses_student_is_left_out_and_said(app):
    ids = f.world(app)
    client = teacher_client(app)
    page = upload(client, ids["class_a"], b"name,username\nStudent B,student-b\n").get_data(as_text=True)
    assert "taken by an account outside your classes" in page and "There is nobody to add" in page
    forged = post(client, f"/teach/classes/{ids['class_a']}/roster/confirm",
                  {"name": "Student B", "username": "student-b"}, page=f"/teach/classes/{ids['class_a']}")
    assert forged.status_code == 302                                    # a forged confirmation enrols nobody
    with app.app_context():
        assert not db.session.query(Enrollment).filter_by(classroom_id=ids["class_a"],
                                                          student_id=ids["student_b"]).count()


def test_another_teacher_cannot_confirm_into_my_class(app):
    ids = f.world(app)
    intruder = teacher_client(app, "teacher-b")
    response = post(intruder, f"/teach/classes/{ids['class_a']}/roster/confirm", {"name": "X Y", "username": "xy"},
                    page="/teach/")
    assert response.status_code == 404


def test_a_file_without_students_goes_back_to_the_class_page_with_the_reason(app):
    ids = f.world(app)
    response = upload(teacher_client(app), ids["class_a"], b"First Name,Last Name\n")
    assert response.status_code == 400 and "the file has no students" in response.get_data(as_text=True)
