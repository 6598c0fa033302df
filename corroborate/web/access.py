"""What the signed-in user may reach, shared by every blueprint: the role a page needs, and lookups that return a row
only to whom it belongs — anything else is a 404 (another teacher's class does not exist for you). Each lookup is
one statement, built once. Also the module an assignment's quiz is (its own items and the generated ones chosen).
"""
from __future__ import annotations

import hashlib
from dataclasses import replace
from functools import wraps
from urllib.parse import urlsplit

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import contains_eager, load_only

from ..curriculum.model import Module
from . import throttle
from .database import writing
from .extensions import db
from .passwords import hash_password, one_time_password
from .models import Assignment, Attempt, Classroom, Enrollment, GeneratedChoice, LoginSession, Response, User, utcnow
from .state import generated_for


def role_required(role: str):
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if current_user.role != role:
                abort(403, "This page is for teachers." if role == "teacher" else "This page is for students.")
            return view(*args, **kwargs)
        return wrapper
    return decorator


def safe_next(target: str | None, default: str) -> str:
    """A local path to go to after a form; anything that could leave the site falls back to ``default``."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")) or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in target):
        return default
    return target


def end_sessions(user: User, keep: str | None = None) -> None:
    """Revoke the user's login sessions but ``keep`` (a password changed or reset): in a writing block."""
    db.session.execute(update(LoginSession).where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None),
                                                  LoginSession.token != (keep or ""))
                       .values(revoked_at=utcnow()))


def give_one_time_password(user: User) -> str:
    """Give ``user`` a new one-time password (a teacher resetting a student's, or ``flask users reset-password``):
    stored hashed, to be changed at the next sign-in, every session ended and any sign-in wait cleared. Returns the
    password to hand over in person."""
    password = one_time_password()
    password_hash = hash_password(password)
    with writing():
        user.password_hash = password_hash
        user.must_change_password = True
        end_sessions(user)
        throttle.clear(user.username)
    return password


# --- a teacher's ---------------------------------------------------------------------------------------------------

OWNED_CLASS = select(Classroom).where(Classroom.id == bindparam("id"), Classroom.teacher_id == bindparam("teacher"))
OWNED_ASSIGNMENT = (select(Assignment).join(Assignment.classroom)
                    .where(Assignment.id == bindparam("id"), Classroom.teacher_id == bindparam("teacher"))
                    .options(contains_eager(Assignment.classroom)))
OWNED_ATTEMPT = (select(Attempt).join(Attempt.assignment).join(Assignment.classroom)
                 .where(Attempt.id == bindparam("id"), Classroom.teacher_id == bindparam("teacher"))
                 .options(contains_eager(Attempt.assignment).contains_eager(Assignment.classroom)))
OWNED_RESPONSE = (select(Response).join(Response.attempt).join(Attempt.assignment).join(Assignment.classroom)
                  .where(Response.id == bindparam("id"), Classroom.teacher_id == bindparam("teacher"))
                  .options(contains_eager(Response.attempt).contains_eager(Attempt.assignment)
                           .contains_eager(Assignment.classroom)))
CLASS_STUDENTS = select(User).join(Enrollment, Enrollment.student_id == User.id).where(
    Enrollment.classroom_id == bindparam("classroom")).options(load_only(User.username, User.name, User.role))
CLASS_STUDENT = CLASS_STUDENTS.where(User.id == bindparam("student"))


def _owned(statement, row_id: int, missing: str):
    found = db.session.scalar(statement, {"id": row_id, "teacher": current_user.id})
    if found is None:
        abort(404, missing)
    return found


def owned_class(class_id: int) -> Classroom:
    """The class, if the signed-in teacher owns it."""
    return _owned(OWNED_CLASS, class_id, "There is no such class among yours.")


def owned_assignment(assignment_id: int) -> Assignment:
    """The assignment (its class loaded with it), if it is in a class of the signed-in teacher."""
    return _owned(OWNED_ASSIGNMENT, assignment_id, "There is no such assignment among yours.")


def owned_attempt(attempt_id: int) -> Attempt:
    """A student's attempt (its assignment and class loaded with it), if it is in a class of the signed-in teacher."""
    return _owned(OWNED_ATTEMPT, attempt_id, "There is no such attempt in your classes.")


def owned_response(response_id: int) -> Response:
    """A student's answer (its attempt, assignment and class loaded with it), if it is in the teacher's classes."""
    return _owned(OWNED_RESPONSE, response_id, "There is no such answer in your classes.")


def class_students(class_id: int) -> list[User]:
    """The students of a class, by name: one statement, however many they are."""
    return sorted(db.session.scalars(CLASS_STUDENTS, {"classroom": class_id}), key=lambda u: u.name.casefold())


def class_student(classroom: Classroom, student_id: int) -> User:
    student = db.session.scalar(CLASS_STUDENT, {"classroom": classroom.id, "student": student_id})
    if student is None:
        abort(404, "That student is not in this class.")
    return student


def kept_ids(teacher_id: int, module_id: str) -> set[str]:
    """The generated items of a module the teacher kept."""
    return set(db.session.scalars(select(GeneratedChoice.item_id).where(
        GeneratedChoice.teacher_id == teacher_id, GeneratedChoice.module_id == module_id,
        GeneratedChoice.kept.is_(True))))


def kept_items(teacher_id: int, module: Module) -> list:
    """The generated items of a module the teacher kept, in the order they were generated."""
    kept = kept_ids(teacher_id, module.id)
    return [item for item in generated_for(module) if item.id in kept] if kept else []


# --- a student's ---------------------------------------------------------------------------------------------------

def _students_assignment(*entities):
    """A statement selecting ``entities`` of an assignment in an unarchived class the student is enrolled in."""
    return (select(*entities).join(Assignment.classroom).join(Enrollment, Enrollment.classroom_id == Classroom.id)
            .where(Assignment.id == bindparam("assignment"), Enrollment.student_id == bindparam("student"),
                   Classroom.archived.is_(False)))


STUDENT_ASSIGNMENT = _students_assignment(Assignment)
WITH_ATTEMPTS = _students_assignment(Assignment, Attempt).outerjoin(
    Attempt, (Attempt.assignment_id == Assignment.id) & (Attempt.student_id == bindparam("student"))
).order_by(Attempt.number)
OWN_ATTEMPT = select(Attempt).where(Attempt.id == bindparam("attempt"), Attempt.student_id == bindparam("student"))
NO_SUCH_ASSIGNMENT = "There is no such assignment in your classes."


def student_assignment(assignment_id: int) -> Assignment:
    """The assignment, if it belongs to a class the signed-in student is in and the class is not archived."""
    assignment = db.session.scalar(STUDENT_ASSIGNMENT, {"assignment": assignment_id, "student": current_user.id})
    if assignment is None:
        abort(404, NO_SUCH_ASSIGNMENT)
    return assignment


def student_assignment_and_attempts(assignment_id: int) -> tuple[Assignment, list[Attempt]]:
    """As :func:`student_assignment`, with the student's attempts at it in order, in the same statement."""
    rows = db.session.execute(WITH_ATTEMPTS, {"assignment": assignment_id, "student": current_user.id}).all()
    if not rows:
        abort(404, NO_SUCH_ASSIGNMENT)
    return rows[0][0], [attempt for _, attempt in rows if attempt is not None]


def own_attempt(attempt_id: int) -> Attempt:
    """The signed-in student's attempt."""
    attempt = db.session.scalar(OWN_ATTEMPT, {"attempt": attempt_id, "student": current_user.id})
    if attempt is None:
        abort(404, "There is no such attempt of yours.")
    return attempt


def module_for(assignment: Assignment, module: Module) -> Module:
    """The module as this assignment's quiz: its own items plus the generated items chosen for the assignment.
    The version changes with the choice, so attempts pin exactly the quiz they took."""
    chosen = set(assignment.generated_ids)
    if not chosen:
        return module
    extra = tuple(i for i in generated_for(module) if i.id in chosen)
    if not extra:
        return module
    suffix = hashlib.sha256(",".join(i.id for i in extra).encode()).hexdigest()[:12]
    return replace(module, items=module.items + extra, version=f"{module.version}-{suffix}")
