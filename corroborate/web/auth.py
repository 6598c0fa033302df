"""Signing in and out, students joining a class, teachers signing up with an invite, changing passwords, the
account page and the first teacher's choice of the school's time zone.

Each signed-in browser has a LoginSession row; the session cookie only names it. Logging out revokes it, a password
reset revokes all of the user's sessions, and signing in always starts a new one (no session fixation). An account
with a one-time password (a login slip, a reset, the demo) reaches no page but the password page until its owner has
chosen their own; the one-time password then no longer signs in.
"""
from __future__ import annotations

import math
from typing import Callable

from flask import Blueprint, current_app, flash, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import bindparam, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import load_only

from . import clock, throttle
from .access import end_sessions, role_required, safe_next
from .database import ONE_READ, writing
from .extensions import db, limiter, login_manager
from .forms import (AccountForm, ChangePasswordForm, JoinForm, LoginForm, SchoolZoneForm, TeacherSignupForm,
                    normalize_username)
from .models import Classroom, Enrollment, LoginSession, TeacherInvite, User, find_user, new_user, utcnow
from .passwords import DUMMY_HASH, check_password, hash_password

bp = Blueprint("auth", __name__)
USERNAME_TAKEN = "This username is taken; try another."
AUTH_LIMIT = "10 per minute"            # sign-ups per address (wrong passwords: throttle.py)


def ip_limit() -> str:
    """Sign-in attempts per minute from one address. A school signs in from behind one address, so this is wider
    than the per-account limit (RATELIMIT_LOGIN_PER_IP, default 60 per minute)."""
    return current_app.config["RATELIMIT_LOGIN_PER_IP"]


LIVE = (LoginSession.token == bindparam("token")) & LoginSession.revoked_at.is_(None)   # a session not revoked
SIGNED_IN = (select(User, clock.SCHOOL_ZONE.scalar_subquery()).join(LoginSession, LoginSession.user_id == User.id)
             .where(LIVE)
             .options(load_only(User.username, User.name, User.role, User.must_change_password, User.time_zone)))
LIVE_SESSION = select(LoginSession.id).where(LIVE)


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """The user of a live (not revoked) login session, with the columns a page needs (a view that changes the
    account loads the rest as it reads them) and the school's time zone as chosen in the app: one indexed
    statement, which every signed-in request makes."""
    row = db.session.execute(SIGNED_IN, {"token": token}).first()
    if row is None:
        return None
    user, school_zone = row
    user.session_token = token
    clock.chosen_school_zone(school_zone)
    return user


def live_session_check(app) -> Callable[[str], bool]:
    """A function telling whether a login session is live, for use outside any request (the page cache asks on
    every signed-in page it serves, before Flask runs): one indexed statement on a pooled connection of the app's
    engine (no ORM session is needed for it; the engine's listeners see it like any other). On SQLite the statement
    runs alone, without a BEGIN and a ROLLBACK around it: with every worker asking at once, those two cost the page
    more than the SELECT."""
    with app.app_context():
        engine = db.engine.execution_options(**ONE_READ)

    def is_live(token: str) -> bool:
        with engine.connect() as connection:
            return connection.scalar(LIVE_SESSION, {"token": token}) is not None
    return is_live


def start_session(user: User) -> None:
    """Sign ``user`` in with a fresh login session (any earlier session data is dropped first); a wait that wrong
    passwords put on the account is over."""
    session.clear()
    login = LoginSession(user_id=user.id)
    with writing():
        throttle.clear(user.username)
        db.session.add(login)
    user.session_token = login.token
    login_user(user)
    session.permanent = True


def home_for(user: User) -> str:
    return url_for("teach.dashboard") if user.is_teacher else url_for("learn.dashboard")


def next_step(user: User, then: str) -> str:
    """Where a person goes after signing in or choosing a password: their own password first, then (for the first
    teacher, when the install names no zone) the school's time zone, then ``then``."""
    after = {"next": then} if then != home_for(user) else {}
    if user.must_change_password:
        return url_for("auth.password", **after)
    if user.is_teacher and clock.school_zone() is None:
        return url_for("auth.school_time_zone", **after)
    return then


OPEN_BEFORE_THE_PASSWORD = {"auth.password", "auth.logout", "static"}


@bp.before_app_request
def password_first():
    """An account still on a one-time password reaches nothing but the password page (and signing out)."""
    if request.endpoint is None or request.endpoint in OPEN_BEFORE_THE_PASSWORD:
        return None
    if current_app.config["SESSION_COOKIE_NAME"] not in request.cookies:
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        if request.path.startswith("/api/"):
            return jsonify(error="password change required",
                           reason="Choose your own password first: reload the page."), 403
        return redirect(url_for("auth.password", next=request.full_path.rstrip("?")))
    return None


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
            start_session(user)
            if user.must_change_password:
                flash("Welcome! Choose your own password to replace the one-time password you were given.")
            return redirect(next_step(user, safe_next(request.args.get("next"), home_for(user))))
        if user is None:
            check_password(DUMMY_HASH, form.password.data)
        with writing():
            throttle.record_failure(username, request.remote_addr)
        form.password.errors.append("That username and password do not match.")
    return render_template("auth/login.html", form=form)


def _duration(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} seconds"
    return f"{math.ceil(seconds / 60)} minutes"


@bp.post("/logout")
@login_required
def logout():
    with writing():
        db.session.execute(update(LoginSession).where(LoginSession.token == current_user.session_token)
                           .values(revoked_at=utcnow()))
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
            password_hash = hash_password(form.password.data)
            try:
                with writing():
                    student = new_user(username, form.name.data, "student", password_hash)
                    db.session.add(Enrollment(classroom_id=classroom.id, student_id=student.id))
            except IntegrityError:
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
            password_hash = hash_password(form.password.data)
            try:
                with writing():
                    teacher = new_user(username, form.name.data, "teacher", password_hash)
                    invite.used_by_id = teacher.id
            except IntegrityError:
                form.username.errors.append(USERNAME_TAKEN)
                return render_template("auth/signup.html", form=form)
            start_session(teacher)
            return redirect(next_step(teacher, url_for("teach.dashboard")))
    return render_template("auth/signup.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    form = ChangePasswordForm()
    if current_user.must_change_password:
        del form.current
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if "current" in form and not check_password(user.password_hash, form.current.data):
            form.current.errors.append("That is not your current password.")
        else:
            password_hash = hash_password(form.password.data)
            with writing():
                user.password_hash = password_hash
                user.must_change_password = False
                end_sessions(user, keep=user.session_token)
            flash("Your password is changed. Other devices have been signed out.")
            return redirect(next_step(user, safe_next(request.args.get("next"), home_for(user))))
    return render_template("auth/password.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    """The signed-in person's own page: their name and time zone, and the school's zone (teachers, unless the
    install's settings fix it), and a link to change the password."""
    user = current_user._get_current_object()
    form = AccountForm(obj=user)
    school = clock.school_zone()
    school_fixed = bool(current_app.config["CORROBORATE_TIMEZONE"])
    if user.is_teacher:
        zones = [(name, name.replace("_", " ")) for name in clock.zone_names()]
        form.time_zone.choices = [("", f"The school's ({clock.zone_label(school)})" if school else "The school's")]
        form.time_zone.choices += zones
        form.school_time_zone.choices = ([] if school else [("", "Not chosen yet: times are in UTC")]) + zones
        if request.method == "GET":
            form.time_zone.data = user.time_zone or ""
            form.school_time_zone.data = school.key if school else ""
    if form.validate_on_submit() and user.is_teacher:
        chosen = None if school_fixed else clock.zone_named(form.school_time_zone.data)
        moved = chosen is not None and chosen != school
        with writing():
            user.name = form.name.data
            user.time_zone = form.time_zone.data or ""
            if moved:
                clock.choose_school_zone(chosen.key, replace=True)
        mine = clock.user_zone(user)
        if moved:
            flash(f"Saved. Your school's times are now shown in {clock.zone_label(chosen)} time"
                  + (f"; you read them in {clock.zone_label(mine)} time." if mine else "."))
        else:
            flash(f"Saved. Times are shown in {clock.zone_label(mine or school or clock.UTC)} time.")
        return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form, user=user, school_fixed=school_fixed)


@bp.route("/account/school-time-zone", methods=["GET", "POST"])
@role_required("teacher")
def school_time_zone():
    """The first teacher to sign in chooses the school's zone, when the install's settings name none."""
    then = safe_next(request.args.get("next"), url_for("teach.dashboard"))
    if clock.school_zone() is not None:
        return redirect(then)
    form = SchoolZoneForm()
    form.zone.choices = [("", "Choose…")] + [(name, name.replace("_", " ")) for name in clock.zone_names()]
    if form.validate_on_submit():
        zone = clock.zone_named(form.zone.data or form.detected.data)
        if zone is None:
            form.zone.errors.append("That is not a time zone this server knows; choose one from the list.")
        else:
            try:
                with writing():
                    clock.choose_school_zone(zone.key)
            except IntegrityError:          # another teacher chose at the same moment: theirs stands
                pass
            flash(f"Times are shown in {clock.zone_label(clock.school_zone())} time. You can choose your own zone "
                  "on your account page.")
            return redirect(then)
    return render_template("auth/school_zone.html", form=form)
