"""Database models: accounts, login sessions, classes, enrolments and assignments (typed SQLAlchemy 2)."""
from __future__ import annotations

import json
import secrets
from datetime import datetime, timezone

from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from .extensions import db

JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: codes are read aloud and typed


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def new_code(length: int = 6) -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(length))


class User(db.Model):
    """An account. As the signed-in user of a request (Flask-Login's ``current_user``) it is loaded with the login
    session it signed in by, whose token ``get_id`` gives (see auth.load_user): the session cookie names the login
    session, never the user, so signing out or a password reset revokes it."""

    __tablename__ = "users"
    __mapper_args__ = {"eager_defaults": False}    # time_zone's default is not read back after an INSERT
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(10))          # "teacher" or "student"
    password_hash: Mapped[str] = mapped_column(String(255))
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # an IANA zone ("America/New_York") a teacher chose for themself; empty: the school's (see web/clock.py).
    # Loaded with the signed-in user (auth.SIGNED_IN); deferred elsewhere, and left out of an INSERT (the database's
    # default fills it), so code written for the schema before it still reads and writes accounts.
    time_zone: Mapped[str] = deferred(mapped_column(String(64), server_default=""))

    @property
    def is_teacher(self) -> bool:
        return self.role == "teacher"

    @property
    def is_student(self) -> bool:
        return self.role == "student"

    # What Flask-Login asks of a user. Not its UserMixin, whose __eq__ would make two users with the same login
    # session (none, outside a request) equal.
    session_token = None            # the live login session this user signed in by, set when loaded as one
    is_authenticated = is_active = True
    is_anonymous = False

    def get_id(self) -> str | None:
        return self.session_token


class LoginSession(db.Model):
    """One signed-in browser. Logging out or a password reset revokes it; the cookie alone is then worthless."""

    __tablename__ = "login_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, index=True, default=lambda: secrets.token_urlsafe(32))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    user: Mapped[User] = relationship()


class TeacherInvite(db.Model):
    __tablename__ = "teacher_invites"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True, default=lambda: secrets.token_urlsafe(12))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    used_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)


class Classroom(db.Model):
    __tablename__ = "classrooms"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    teacher_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    join_code: Mapped[str] = mapped_column(String(12), unique=True, default=new_code)
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    teacher: Mapped[User] = relationship()
    enrollments: Mapped[list["Enrollment"]] = relationship(back_populates="classroom", cascade="all, delete-orphan")
    assignments: Mapped[list["Assignment"]] = relationship(back_populates="classroom", cascade="all, delete-orphan",
                                                           order_by="Assignment.due_at")


class Enrollment(db.Model):
    __tablename__ = "enrollments"
    __table_args__ = (UniqueConstraint("classroom_id", "student_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    classroom_id: Mapped[int] = mapped_column(ForeignKey("classrooms.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    classroom: Mapped[Classroom] = relationship(back_populates="enrollments")
    student: Mapped[User] = relationship()


GRADING_METHODS = {"highest": "Highest attempt", "last": "Last attempt", "average": "Average of attempts"}
REVIEW_POLICIES = {
    "immediately": "Immediately after submitting",
    "after_due": "After the due date",
    "never": "Never",
}


class Assignment(db.Model):
    __tablename__ = "assignments"
    id: Mapped[int] = mapped_column(primary_key=True)
    classroom_id: Mapped[int] = mapped_column(ForeignKey("classrooms.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[str] = mapped_column(String(64))
    open_at: Mapped[datetime] = mapped_column(DateTime)
    due_at: Mapped[datetime] = mapped_column(DateTime)
    time_limit_minutes: Mapped[int | None] = mapped_column(Integer, nullable=True)
    attempts_allowed: Mapped[int] = mapped_column(Integer, default=1)
    grading_method: Mapped[str] = mapped_column(String(10), default="highest")
    review_policy: Mapped[str] = mapped_column(String(12), default="after_due")
    shuffle_questions: Mapped[bool] = mapped_column(Boolean, default=True)
    shuffle_options: Mapped[bool] = mapped_column(Boolean, default=True)
    variant_seed: Mapped[int] = mapped_column(Integer, default=lambda: secrets.randbelow(2**31))
    generated_items: Mapped[str] = mapped_column(Text, default="[]")   # JSON: ids of generated items included
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    classroom: Mapped[Classroom] = relationship(back_populates="assignments")

    @property
    def generated_ids(self) -> list[str]:
        return json.loads(self.generated_items or "[]")

    def is_open(self, now: datetime | None = None) -> bool:
        now = now or utcnow()
        return self.open_at <= now < self.due_at


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username.strip().lower()))


def new_user(username: str, name: str, role: str, password_hash: str, must_change_password: bool = False) -> User:
    """Add an account to the session and give it an id (the caller commits). A taken username raises
    IntegrityError at the flush, so two sign-ups racing for one name cannot both succeed."""
    user = User(username=username, name=name, role=role, password_hash=password_hash,
                must_change_password=must_change_password)
    db.session.add(user)
    db.session.flush()
    return user


class ModuleSnapshot(db.Model):
    """A built module exactly as an attempt saw it (JSON with keys); attempts point here, so edits never regrade."""

    __tablename__ = "module_snapshots"
    version: Mapped[str] = mapped_column(String(32), primary_key=True)
    module_id: Mapped[str] = mapped_column(String(64), index=True)
    data: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class Attempt(db.Model):
    __tablename__ = "attempts"
    __table_args__ = (UniqueConstraint("assignment_id", "student_id", "number"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignments.id", ondelete="CASCADE"), index=True)
    student_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    module_version: Mapped[str] = mapped_column(ForeignKey("module_snapshots.version"))
    layout: Mapped[str] = mapped_column(Text)                     # JSON: item order and option order
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    deadline: Mapped[datetime] = mapped_column(DateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    score: Mapped[float | None] = mapped_column(nullable=True)    # points earned (auto + teacher-graded)
    points_possible: Mapped[float] = mapped_column(default=0.0)
    pending: Mapped[int] = mapped_column(Integer, default=0)      # written answers still to grade
    assignment: Mapped[Assignment] = relationship()
    student: Mapped[User] = relationship()
    responses: Mapped[list["Response"]] = relationship(back_populates="attempt", cascade="all, delete-orphan")

    @property
    def submitted(self) -> bool:
        return self.submitted_at is not None

    @property
    def percent(self) -> float | None:
        if self.score is None or not self.points_possible:
            return None
        return 100.0 * self.score / self.points_possible


class Response(db.Model):
    """A student's answer to one item. ``seq`` is the client's counter: a save with a lower one never overwrites."""

    __tablename__ = "responses"
    __table_args__ = (UniqueConstraint("attempt_id", "item_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[str] = mapped_column(String(64))
    value: Mapped[str] = mapped_column(Text)                      # JSON
    seq: Mapped[int] = mapped_column(Integer, default=0)
    saved_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    score: Mapped[float | None] = mapped_column(nullable=True)    # fraction 0..1 of the item's points
    rubric_level: Mapped[str | None] = mapped_column(String(12), nullable=True)
    comment: Mapped[str | None] = mapped_column(Text, nullable=True)
    graded_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    attempt: Mapped[Attempt] = relationship(back_populates="responses")


class GeneratedChoice(db.Model):
    """A teacher's decision to keep a generated item of a module (absent or ``kept=False``: dropped)."""

    __tablename__ = "generated_choices"
    __table_args__ = (UniqueConstraint("teacher_id", "module_id", "item_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    teacher_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[str] = mapped_column(String(64))
    item_id: Mapped[str] = mapped_column(String(64))
    kept: Mapped[bool] = mapped_column(Boolean, default=True)


class SignInFailure(db.Model):
    """Wrong passwords given for an account: one row for the account from any address (``address`` empty) and one
    per address it was tried from (a keyed hash of the address, never the address itself). Kept in the database so
    that the back-off holds across every worker and app server (see throttle.py)."""

    __tablename__ = "sign_in_failures"
    __table_args__ = (UniqueConstraint("username", "address"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), index=True)
    address: Mapped[str] = mapped_column(String(32), default="")
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failed_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    blocked_until: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)


class Setting(db.Model):
    """An install-wide setting chosen in the app rather than in the environment (``time_zone``: the school's zone,
    chosen by the first teacher to sign in when CORROBORATE_TIMEZONE is not set)."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
