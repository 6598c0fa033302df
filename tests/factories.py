"""Small helpers that put rows in the test database directly (the forms are tested on their own)."""
from __future__ import annotations

from datetime import timedelta

from corroborate.web.extensions import db
from corroborate.web.models import Assignment, Classroom, Enrollment, TeacherInvite, User, utcnow
from corroborate.web.passwords import hash_password

PASSWORD = "correct horse battery"


def user(app, username: str, role: str = "student", name: str | None = None, **extra) -> int:
    with app.app_context():
        found = User(username=username, name=name or username.title(), role=role,
                     password_hash=hash_password(PASSWORD), **extra)
        db.session.add(found)
        db.session.commit()
        return found.id


def classroom(app, teacher_id: int, name: str = "History 10B", students: tuple[int, ...] = (), **extra) -> int:
    with app.app_context():
        found = Classroom(name=name, teacher_id=teacher_id, **extra)
        db.session.add(found)
        db.session.flush()
        for student_id in students:
            db.session.add(Enrollment(classroom_id=found.id, student_id=student_id))
        db.session.commit()
        return found.id


def join_code(app, class_id: int) -> str:
    with app.app_context():
        return db.session.get(Classroom, class_id).join_code


def assignment(app, class_id: int, module_id: str = "sample", opens_in=timedelta(days=-1),
               due_in=timedelta(days=7), **extra) -> int:
    with app.app_context():
        now = utcnow()
        found = Assignment(classroom_id=class_id, module_id=module_id, open_at=now + opens_in, due_at=now + due_in,
                           **extra)
        db.session.add(found)
        db.session.commit()
        return found.id


def invite(app) -> str:
    with app.app_context():
        found = TeacherInvite()
        db.session.add(found)
        db.session.commit()
        return found.code


def world(app) -> dict:
    """Two teachers with a class each, two students in class A and one in class B, one assignment per class."""
    ids = {"teacher_a": user(app, "teacher-a", "teacher"), "teacher_b": user(app, "teacher-b", "teacher"),
           "student_a": user(app, "student-a"), "student_a2": user(app, "student-a2"), "student_b": user(app, "student-b")}
    ids["class_a"] = classroom(app, ids["teacher_a"], "Class A", (ids["student_a"], ids["student_a2"]))
    ids["class_b"] = classroom(app, ids["teacher_b"], "Class B", (ids["student_b"],))
    ids["assignment_a"] = assignment(app, ids["class_a"], review_policy="immediately", attempts_allowed=2)
    ids["assignment_b"] = assignment(app, ids["class_b"])
    return ids
