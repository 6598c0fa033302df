"""Signing in and out, students joining a class, teachers signing up with an invite, changing passwords.

Each signed-in browser has a LoginSession row; the session cookie only names it. Logging out revokes it, a password
reset revokes all of the user's sessions, and signing in always starts a new one (no session fixation).
"""
from __future__ import annotations

import math
from functools import wraps
from typing import Callable
from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError

from . import throttle
from .extensions import db, limiter, login_manager
from .forms import ChangePasswordForm, JoinForm, LoginForm, TeacherSignupForm, normalize_username
from .database import driver_query, driver_select
from .models import (Classroom, Enrollment, LoginSession, SignedIn, TeacherInvite, User, find_user, new_user,
                     utcnow)
from .passwords import DUMMY_HASH, check_password, hash_password

bp = Blueprint("auth", __name__)
USERNAME_TAKEN = "This username is taken; try another."
AUTH_LIMIT = "10 per minute"            # sign-ups per address (wrong passwords: throttle.py)


def ip_limit() -> str:
    """Sign-in attempts per minute from one address. A school signs in from behind one address, so this is wider
    than the per-account limit (RATELIMIT_LOGIN_PER_IP, default 60 per minute)."""
    return current_app.config["RATELIMIT_LOGIN_PER_IP"]


LIVE = (LoginSession.token == bindparam("token")) & LoginSession.revoked_at.is_(None)   # a session not revoked
SIGNED_IN = select(User.id, User.username, User.name, User.role, User.must_change_password).join(
    LoginSession, LoginSession.user_id == User.id).where(LIVE)
LIVE_SESSION = select(LoginSession.id).where(LIVE)


@login_manager.user_loader
def load_user(token: str) -> SignedIn | None:
    """The user of a live (not revoked) login session: one indexed read, which every signed-in request makes."""
    rows = driver_select(SIGNED_IN, token=token)
    return SignedIn(*rows[0], token) if rows else None


def live_session_check(app) -> Callable[[str], bool]:
    """A function telling whether a login session is live, for use outside any request (the page cache asks on
    every signed-in page it serves): one indexed read on a pooled driver connection, without the ORM."""
    with app.app_context():
        engine = db.engine

    def is_live(token: str) -> bool:
        sql, arguments, _ = driver_query(LIVE_SESSION, engine.dialect, token=token)
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            cursor.execute(sql, arguments)
            return cursor.fetchone() is not None
        finally:
            connection.close()                     # back to the pool
    return is_live


def start_session(user: User) -> None:
    """Sign ``user`` in with a fresh session (any earlier session data is dropped first)."""
    session.clear()
    login = LoginSession(user_id=user.id)
    db.session.add(login)
    db.session.commit()
    login_user(SignedIn.of(user, login.token))
    session.permanent = True


def end_sessions(user: User, keep: str | None = None) -> None:
    db.session.execute(update(LoginSession).where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None),
                                                  LoginSession.token != (keep or ""))
                       .values(revoked_at=utcnow()))


def safe_next(target: str | None, default: str) -> str:
    """A local path to go to after signing in; anything that could leave the site falls back to ``default``."""
    if not target or not target.startswith("/") or target.startswith(("//", "/\\")) or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or any(ord(c) < 32 for c in target):
        return default
    return target


def home_for(user: User) -> str:
    return url_for("teach.dashboard") if user.is_teacher else url_for("learn.dashboard")


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


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(ip_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LoginForm()
    if form.validate_on_submit():
        username = normalize_username(form.username.data)
        wait = throttle.seconds_to_wait(username, request.remote_addr)
        if wait:
            form.password.errors.append(
                f"Too many wrong passwords for this account: try again in {_duration(wait)}. Your teacher can "
                "clear the wait from the class page.")
            return render_template("auth/login.html", form=form), 429, {"Retry-After": str(wait)}
        user = find_user(username)
        if user is not None and check_password(user.password_hash, form.password.data):
            throttle.clear(username)
            start_session(user)
            if user.must_change_password:
                flash("Welcome! Choose your own password to replace the one on your slip.")
                return redirect(url_for("auth.password"))
            return redirect(safe_next(request.args.get("next"), home_for(user)))
        if user is None:
            check_password(DUMMY_HASH, form.password.data)
        throttle.record_failure(username, request.remote_addr)
        db.session.commit()
        form.password.errors.append("That username and password do not match.")
    return render_template("auth/login.html", form=form)


def _duration(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds"
    return f"{math.ceil(seconds / 60)} minutes"


@bp.post("/logout")
@login_required
def logout():
    db.session.execute(update(LoginSession).where(LoginSession.token == current_user.session_token)
                       .values(revoked_at=utcnow()))
    db.session.commit()
    logout_user()
    session.clear()
    flash("You are signed out.")
    return redirect(url_for("auth.login"))


def _open_class(code: str) -> Classroom | None:
    return db.session.scalar(select(Classroom).where(Classroom.join_code == code, Classroom.archived.is_(False)))


@bp.route("/join", methods=["GET", "POST"])
@limiter.limit(ip_limit, methods=["POST"])
def join():
    """A new student creates an account by joining a class with its code."""
    if current_user.is_authenticated:
        return redirect(url_for("learn.dashboard"))
    form = JoinForm(code=request.args.get("code", ""))
    if form.validate_on_submit():
        classroom = _open_class(form.code.data)
        username = normalize_username(form.username.data)
        if classroom is None:
            form.code.errors.append("No open class has this code. Check it with your teacher.")
        elif find_user(username):
            form.username.errors.append(USERNAME_TAKEN)
        else:
            try:
                student = new_user(username, form.name.data, "student", hash_password(form.password.data))
                db.session.add(Enrollment(classroom_id=classroom.id, student_id=student.id))
                db.session.commit()
            except IntegrityError:
                db.session.rollback()
                form.username.errors.append(USERNAME_TAKEN)
                return render_template("auth/join.html", form=form)
            start_session(student)
            flash(f"Welcome to {classroom.name}!")
            return redirect(url_for("learn.dashboard"))
    return render_template("auth/join.html", form=form)


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(AUTH_LIMIT, methods=["POST"])
def signup():
    """A teacher creates an account with an invite code (made by `flask users invite`)."""
    form = TeacherSignupForm()
    if form.validate_on_submit():
        invite = db.session.scalar(select(TeacherInvite).where(TeacherInvite.code == form.invite.data,
                                                               TeacherInvite.used_by_id.is_(None)))
        username = normalize_username(form.username.data)
        if invite is None:
            form.invite.errors.append("This invite code is not valid or has been used.")
        elif find_user(username):
            form.username.errors.append(USERNAME_TAKEN)
        else:
            try:
                teacher = new_user(username, form.name.data, "teacher", hash_password(form.password.data))
                invite.used_by_id = teacher.id
                db.session.commit()
            except IntegrityError:
                db.session.rollback()
                form.username.errors.append(USERNAME_TAKEN)
                return render_template("auth/signup.html", form=form)
            start_session(teacher)
            return redirect(url_for("teach.dashboard"))
    return render_template("auth/signup.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    form = ChangePasswordForm()
    if current_user.must_change_password:
        del form.current
    if form.validate_on_submit():
        user = db.session.get(User, current_user.id)
        if "current" in form and not check_password(user.password_hash, form.current.data):
            form.current.errors.append("That is not your current password.")
        else:
            user.password_hash = hash_password(form.password.data)
            user.must_change_password = False
            end_sessions(user, keep=current_user.session_token)
            db.session.commit()
            flash("Your password is changed. Other devices have been signed out.")
            return redirect(home_for(current_user))
    return render_template("auth/password.html", form=form)
