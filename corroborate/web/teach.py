"""Teacher pages: classes, rosters, password resets and assignments. Every route checks role and ownership."""
from __future__ import annotations

import json

from flask import Blueprint, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from wtforms.fields.choices import SelectChoice

from ..curriculum.model import Module
from ..items import Item
from . import clock, throttle
from .access import (class_student, class_students, give_one_time_password, kept_ids, kept_items, owned_assignment,
                     owned_class, role_required)
from .database import writing
from .downloads import attachment
from .extensions import db
from .forms import AssignmentForm, ClassForm, RosterConfirmForm, RosterForm
from .models import Assignment, Classroom, Enrollment, User, new_user
from .passwords import hash_password, one_time_password
from .roster import MAX_ROWS, RosterRow, read_roster, valid_username
from .state import generated_for, unit

bp = Blueprint("teach", __name__, url_prefix="/teach")


MY_CLASSES = (select(Classroom).where(Classroom.teacher_id == bindparam("teacher"))
              .order_by(Classroom.archived, Classroom.name)
              .options(selectinload(Classroom.enrollments), selectinload(Classroom.assignments)))


@bp.get("/")
@role_required("teacher")
def dashboard():
    classes = db.session.scalars(MY_CLASSES, {"teacher": current_user.id}).all()
    return render_template("teach/dashboard.html", classes=classes)


@bp.route("/classes/new", methods=["GET", "POST"])
@role_required("teacher")
def new_class():
    form = ClassForm()
    if form.validate_on_submit():
        classroom = Classroom(name=form.name.data, teacher_id=current_user.id)
        with writing():
            db.session.add(classroom)
        flash(f"Class created. Students join with the code {classroom.join_code}.")
        return redirect(url_for("teach.classroom", class_id=classroom.id))
    return render_template("teach/class_form.html", form=form, classroom=None)


@bp.get("/classes/<int:class_id>")
@role_required("teacher")
def classroom(class_id: int):
    return _class_page(owned_class(class_id), RosterForm())


def _class_page(found: Classroom, roster_form: RosterForm) -> str:
    """The class page: its students (and which must wait to sign in), assignments and the roster form."""
    students = class_students(found.id)
    return render_template("teach/classroom.html", classroom=found, students=students,
                           modules={m.id: m for m in unit().modules}, roster_form=roster_form,
                           waiting=throttle.waiting([s.username for s in students]))


@bp.route("/classes/<int:class_id>/rename", methods=["GET", "POST"])
@role_required("teacher")
def rename_class(class_id: int):
    found = owned_class(class_id)
    form = ClassForm(obj=found)
    if form.validate_on_submit():
        with writing():
            found.name = form.name.data
        flash("Class renamed.")
        return redirect(url_for("teach.classroom", class_id=found.id))
    return render_template("teach/class_form.html", form=form, classroom=found)


@bp.post("/classes/<int:class_id>/archive")
@role_required("teacher")
def archive_class(class_id: int):
    found = owned_class(class_id)
    with writing():
        found.archived = not found.archived
    flash("Class archived: its code no longer admits students." if found.archived else "Class restored.")
    return redirect(url_for("teach.classroom", class_id=found.id))


@bp.post("/classes/<int:class_id>/roster")
@role_required("teacher")
def upload_roster(class_id: int):
    """Read a roster CSV and show what it would do, line by line: nothing is created until the teacher confirms."""
    found = owned_class(class_id)
    form = RosterForm()
    rows, problems = [], []
    if form.validate_on_submit():
        rows, problems = read_roster(form.roster.data.read(256 * 1024 + 1))
        if not rows:
            form.roster.errors.extend(problems)
    if form.errors:
        return _class_page(found, form), 400
    plan = roster_plan(found, rows)
    problems += [f"line {row.line}: {detail}" for row, action, detail in plan if action == "taken"]
    return render_template("teach/roster_preview.html", classroom=found, plan=plan, problems=problems,
                           form=RosterConfirmForm())


@bp.post("/classes/<int:class_id>/roster/confirm")
@role_required("teacher")
def confirm_roster(class_id: int):
    """Create the previewed accounts (checked again: the preview is only what the browser sends back), enrol the
    teacher's students from other classes, and answer with a PDF of login slips for the new accounts."""
    found = owned_class(class_id)
    form = RosterConfirmForm()
    if not form.validate_on_submit():
        flash("The preview had expired; upload the file again.")
        return redirect(url_for("teach.classroom", class_id=found.id))
    names, usernames = request.form.getlist("name"), request.form.getlist("username")
    rows = [RosterRow(line, name.strip()[:100], username) for line, (name, username)
            in enumerate(zip(names, usernames), start=1) if name.strip() and valid_username(username)]
    plan = roster_plan(found, rows[:MAX_ROWS])
    new = [row for row, action, _ in plan if action == "create"]
    passwords = [one_time_password() for _ in new]
    hashes = [hash_password(password) for password in passwords]          # slow: before the write, not inside it
    slips = []
    enrolled = [student for _, action, student in plan if action == "enroll"]
    try:
        with writing():
            for row, password, password_hash in zip(new, passwords, hashes):
                student = new_user(row.username, row.name, "student", password_hash, must_change_password=True)
                db.session.add(Enrollment(classroom_id=found.id, student_id=student.id))
                slips.append((student, password))
            for student in enrolled:
                db.session.add(Enrollment(classroom_id=found.id, student_id=student.id))
    except IntegrityError:              # the same roster confirmed twice at once (two tabs): the first one stands
        flash("These accounts were being created at the same moment elsewhere (another tab?); nothing was added "
              "twice. Check the list below.")
        return redirect(url_for("teach.classroom", class_id=found.id))
    if not slips:
        flash(f"{len(enrolled)} student(s) added to {found.name}; they sign in with their own passwords."
              if enrolled else "Nobody to add: every student in the file is already in this class.")
        return redirect(url_for("teach.classroom", class_id=found.id))
    return _slips_pdf(found, slips, f"login-slips-{found.join_code}.pdf")



def roster_plan(classroom: Classroom, rows: list[RosterRow]) -> list[tuple[RosterRow, str, object]]:
    """What adding each row does: ("create", None), ("enroll", the student: already in another of this teacher's
    classes), ("already", None: in this class) or ("taken", why: the username is someone else's)."""
    usernames = [row.username for row in rows]
    existing = {user.username: user for user in db.session.scalars(select(User).where(User.username.in_(usernames)))}
    ids = [user.id for user in existing.values()]
    classes = db.session.execute(
        select(Enrollment.student_id, Classroom.id).join(Enrollment.classroom)
        .where(Classroom.teacher_id == current_user.id, Enrollment.student_id.in_(ids))).all()
    in_this = {student_id for student_id, class_id in classes if class_id == classroom.id}
    in_mine = {student_id for student_id, class_id in classes if class_id != classroom.id}
    plan = []
    for row in rows:
        user = existing.get(row.username)
        if user is None:
            plan.append((row, "create", None))
        elif user.id in in_this:
            plan.append((row, "already", None))
        elif user.is_student and user.id in in_mine:
            plan.append((row, "enroll", user))
        else:
            plan.append((row, "taken", f"the username “{row.username}” is taken by an account outside your classes; "
                                       "give this student another username in the file"))
    return plan


@bp.post("/classes/<int:class_id>/students/<int:student_id>/reset")
@role_required("teacher")
def reset_password(class_id: int, student_id: int):
    found = owned_class(class_id)
    student = class_student(found, student_id)
    password = give_one_time_password(student)
    return render_template("teach/reset_done.html", classroom=found, student=student, password=password)


@bp.post("/classes/<int:class_id>/students/<int:student_id>/clear-wait")
@role_required("teacher")
def clear_sign_in_wait(class_id: int, student_id: int):
    """Let a student try their password again at once, after wrong passwords (theirs or a classmate's) made it wait."""
    found = owned_class(class_id)
    student = class_student(found, student_id)
    with writing():
        throttle.clear(student.username)
    flash(f"{student.name} can sign in again now.")
    return redirect(url_for("teach.classroom", class_id=found.id))


@bp.post("/classes/<int:class_id>/students/<int:student_id>/remove")
@role_required("teacher")
def remove_student(class_id: int, student_id: int):
    found = owned_class(class_id)
    student = class_student(found, student_id)
    with writing():
        db.session.execute(Enrollment.__table__.delete().where(Enrollment.classroom_id == found.id,
                                                               Enrollment.student_id == student.id))
    flash(f"{student.name} is no longer in {found.name}.")
    return redirect(url_for("teach.classroom", class_id=found.id))


def _slips_pdf(classroom: Classroom, slips, filename: str):
    from ..handouts.pdf import render_pdf

    html = render_template("handouts/slips.html", classroom=classroom, slips=slips,
                           login_url=request.host_url.rstrip("/") + url_for("auth.login"))
    response = make_response(render_pdf(html, ("css/slips.css",), title=f"Login slips · {classroom.name}"))
    response.headers["Content-Type"] = "application/pdf"
    response.headers["Content-Disposition"] = attachment(filename)
    response.headers["Cache-Control"] = "no-store"
    return response


def _module_choices() -> list[SelectChoice]:
    return [SelectChoice(m.id, m.title) for m in unit().modules]


@bp.route("/classes/<int:class_id>/assign", methods=["GET", "POST"])
@role_required("teacher")
def assign(class_id: int):
    """Times are typed in the teacher's zone and stored in UTC: by default it opens now and is due at the end of the
    school day a week ahead."""
    found = owned_class(class_id)
    form = _assignment_form()
    if request.method == "GET":
        form.module_id.data = request.args.get("module") or next((c.value for c in form.module_id.choices), None)
        form.open_at.data, form.due_at.data = clock.default_times()
    if form.validate_on_submit():
        assignment = Assignment(classroom_id=found.id)
        with writing():
            _apply(form, assignment)
            db.session.add(assignment)
        flash("Assigned. Students see it on their dashboard from the opening time, "
              f"{clock.local_time(assignment.open_at)}.")
        return redirect(url_for("teach.classroom", class_id=found.id))
    return _assign_page(form, found, None)


@bp.route("/assignments/<int:assignment_id>/edit", methods=["GET", "POST"])
@role_required("teacher")
def edit_assignment(assignment_id: int):
    assignment = owned_assignment(assignment_id)
    form = _assignment_form(assignment)
    if request.method == "GET":
        form.open_at.data = clock.local_form_value(assignment.open_at)
        form.due_at.data = clock.local_form_value(assignment.due_at)
    if form.validate_on_submit():
        with writing():
            _apply(form, assignment)
        flash("Assignment updated.")
        return redirect(url_for("teach.classroom", class_id=assignment.classroom_id))
    return _assign_page(form, assignment.classroom, assignment)


def _assignment_form(assignment: Assignment | None = None) -> AssignmentForm:
    form = AssignmentForm(obj=assignment)
    form.module_id.choices = _module_choices()
    zone = clock.zone_label()
    form.open_at.label.text = f"Opens ({zone} time)"
    form.due_at.label.text = f"Due ({zone} time)"
    return form


def _assign_page(form: AssignmentForm, classroom: Classroom, assignment: Assignment | None):
    return render_template("teach/assign.html", form=form, classroom=classroom, assignment=assignment,
                           generated=_generated_choices(form, assignment), zone_chosen=clock.school_zone() is not None
                           or clock.user_zone(current_user) is not None)


def _apply(form: AssignmentForm, assignment: Assignment) -> None:
    for field in ("module_id", "time_limit_minutes", "attempts_allowed", "grading_method", "review_policy",
                  "shuffle_questions", "shuffle_options"):
        setattr(assignment, field, getattr(form, field).data)
    assignment.open_at = clock.from_local(form.open_at.data)
    assignment.due_at = clock.from_local(form.due_at.data)
    module = unit().module(assignment.module_id)
    if module is not None:
        store_selection(assignment, module)


def _generated_choices(form: AssignmentForm, assignment: Assignment | None) -> dict:
    """For the form: the teacher's kept generated items per module, with this assignment's selection."""
    return {m.id: selection_for_form(m, assignment if assignment and assignment.module_id == m.id else None)
            for m in unit().modules}


def selection_for_form(module: Module, assignment: Assignment | None) -> list[tuple[Item, bool]]:
    """The generated items a teacher kept, each with whether it is chosen for this assignment (or, on a form sent
    back with errors, as the teacher had ticked them)."""
    kept = kept_items(current_user.id, module)
    if request.method == "POST":
        chosen = set(request.form.getlist("generated"))
    else:
        chosen = set(assignment.generated_ids) if assignment else {item.id for item in kept}
    return [(item, item.id in chosen) for item in kept]


def store_selection(assignment: Assignment, module: Module) -> None:
    allowed = kept_ids(current_user.id, module.id) | set(assignment.generated_ids)
    chosen = [i.id for i in generated_for(module) if i.id in allowed and i.id in request.form.getlist("generated")]
    assignment.generated_items = json.dumps(chosen)
