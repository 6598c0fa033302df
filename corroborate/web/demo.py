"""Demo data: a teacher, a class of five students and two assignments, with one-time passwords printed once (each
account must choose its own password at first sign-in, like any account made with a one-time password)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from ..curriculum.model import Unit
from .database import writing
from .extensions import db
from .models import Assignment, Classroom, Enrollment, User, new_user, utcnow
from .passwords import hash_password, one_time_password

STUDENTS = [("Ana Petrova", "ana"), ("Ben Okafor", "ben"), ("Chloe Martin", "chloe"), ("Dev Sharma", "dev"),
            ("Ella Novak", "ella")]


def create_demo(unit: Unit) -> list[tuple[str, str, str]]:
    """Create the demo on an empty database; returns (role, username, password) rows. Refuses a non-empty one."""
    if db.session.scalar(select(func.count()).select_from(User)):
        raise ValueError("the database already has users; the demo only fills an empty one")
    now = utcnow().replace(second=0, microsecond=0)
    modules = list(unit.modules)
    people = [("teacher", "teacher", "Demo Teacher")] + [("student", username, name) for name, username in STUDENTS]
    passwords = [one_time_password() for _ in people]
    hashes = [hash_password(password) for password in passwords]          # slow: before the write, not inside it
    with writing():
        teacher = new_user("teacher", "Demo Teacher", "teacher", hashes[0], must_change_password=True)
        classroom = Classroom(name="History 10B (demo)", teacher_id=teacher.id)
        db.session.add(classroom)
        db.session.flush()
        for (_, username, name), password_hash in zip(people[1:], hashes[1:]):
            student = new_user(username, name, "student", password_hash, must_change_password=True)
            db.session.add(Enrollment(classroom_id=classroom.id, student_id=student.id))
        if modules:
            db.session.add(Assignment(classroom_id=classroom.id, module_id=modules[0].id,
                                      open_at=now - timedelta(days=1), due_at=now + timedelta(days=7),
                                      attempts_allowed=2, review_policy="immediately"))
        if len(modules) > 1:
            db.session.add(Assignment(classroom_id=classroom.id, module_id=modules[1].id, open_at=now,
                                      due_at=now + timedelta(days=14), time_limit_minutes=40, attempts_allowed=1,
                                      review_policy="after_due"))
    logins = [(role, username, password) for (role, username, _), password in zip(people, passwords)]
    return logins
