"""Teacher pages: classes, rosters, password resets and assignments. Every route checks role and ownership."""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from . import throttle
from .auth import end_sessions, role_required
from .downloads import attachment
from .extensions import db
from .forms import AssignmentForm, ClassForm, RosterForm
from .generated import selection_for_form, store_selection
from .models import Assignment, Classroom, Enrollment, User, find_user, new_user, utcnow
from .passwords import hash_password, one_time_password
from .roster import read_roster
from .state import unit

bp = Blueprint("teach", __name__, url_prefix="/teach")


def owned_class(class_id: int) -> Classroom:
    """The class, if the signed-in teacher owns it; 404 otherwise (another teacher's class does not exist for you)."""
    classroom = db.session.get(Classroom, class_id)
    if classroom is None or classroom.teacher_id != current_user.id:
        abort(404, "There is no such class among yours.")
    return classroom


def owned_assignment(assignment_id: int) -> Assignment:
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.classroom.teacher_id != current_user.id:
        abort(404, "There is no such assignment among yours.")
    return assignment


def class_student(classroom: Classroom, student_id: int) -> User:
    enrollment = db.session.scalar(select(Enrollment).where(Enrollment.classroom_id == classroom.id,
                                                            Enrollment.student_id == student_id))
    if enrollment is None:
        abort(404, "That student is not in this class.")
    return enrollment.student


@bp.get("/")
@role_required("teacher")
def dashboard():
    classes = db.session.scalars(select(Classroom).where(Classroom.teacher_id == current_user.id)
                                 .order_by(Classroom.archived, Classroom.name)).all()
    return render_template("teach/dashboard.html", classes=classes)


@bp.route("/classes/new", methods=["GET", "POST"])
@role_required("teacher")
def new_class():
    form = ClassForm()
    if form.validate_on_submit():
        classroom = Classroom(name=form.name.data, teacher_id=current_user.id)
        db.session.add(classroom)
        db.session.commit()
        flash(f"Class created. Students join with the code {classroom.join_code}.")
        return redirect(url_for("teach.classroom", class_id=classroom.id))
    return render_template("teach/class_form.html", form=form, classroom=None)


@bp.get("/classes/<int:class_id>")
@role_required("teacher")
def classroom(class_id: int):
    found = owned_class(class_id)
    modules = {m.id: m for m in unit().modules}
    waiting = throttle.waiting([s.username for s in found.students])
    return render_template("teach/classroom.html", classroom=found, modules=modules, roster_form=RosterForm(),
                           waiting=waiting)


@bp.route("/classes/<int:class_id>/rename", methods=["GET", "POST"])
@role_required("teacher")
def rename_class(class_id: int):
    found = owned_class(class_id)
    form = ClassForm(obj=found)
    if form.validate_on_submit():
        found.name = form.name.data
        db.session.commit()
        flash("Class renamed.")
        return redirect(url_for("teach.classroom", class_id=found.id))
    return render_template("teach/class_form.html", form=form, classroom=found)


@bp.post("/classes/<int:class_id>/archive")
@role_required("teacher")
def archive_class(class_id: int):
    found = owned_class(class_id)
    found.archived = not found.archived
    db.session.commit()
    flash("Class archived: its code no longer admits students." if found.archived else "Class restored.")
    return redirect(url_for("teach.classroom", class_id=found.id))


@bp.post("/classes/<int:class_id>/roster")
@role_required("teacher")
def upload_roster(class_id: int):
    """Add students from a CSV file and answer with a PDF of login slips (one-time passwords)."""
    found = owned_class(class_id)
    form = RosterForm()
    modules = {m.id: m for m in unit().modules}
    if not form.validate_on_submit():
        return render_template("teach/classroom.html", classroom=found, modules=modules, roster_form=form), 400
    rows, problems = read_roster(form.roster.data.read(256 * 1024 + 1))
    taken = [r for r in rows if find_user(r.username)]
    problems += [f"line {r.line}: the username “{r.username}” is taken" for r in taken]
    if problems:
        form.roster.errors.extend(problems)
        return render_template("teach/classroom.html", classroom=found, modules=modules, roster_form=form), 400
    slips = []
    for row in rows:
        password = one_time_password()
        student = new_user(row.username, row.name, "student", hash_password(password), must_change_password=True)
        db.session.add(Enrollment(classroom_id=found.id, student_id=student.id))
        slips.append((student, password))
    db.session.commit()
    return _slips_pdf(found, slips, f"login-slips-{found.join_code}.pdf")


@bp.post("/classes/<int:class_id>/students/<int:student_id>/reset")
@role_required("teacher")
def reset_password(class_id: int, student_id: int):
    found = owned_class(class_id)
    student = class_student(found, student_id)
    password = one_time_password()
    student.password_hash = hash_password(password)
    student.must_change_password = True
    end_sessions(student)
    throttle.clear(student.username)
    db.session.commit()
    return render_template("teach/reset_done.html", classroom=found, student=student, password=password)


@bp.post("/classes/<int:class_id>/students/<int:student_id>/clear-wait")
@role_required("teacher")
def clear_sign_in_wait(class_id: int, student_id: int):
    """Let a student try their password again at once, after wrong passwords (theirs or a classmate's) made it wait."""
    found = owned_class(class_id)
    student = class_student(found, student_id)
    throttle.clear(student.username)
    db.session.commit()
    flash(f"{student.name} can sign in again now.")
    return redirect(url_for("teach.classroom", class_id=found.id))


@bp.post("/classes/<int:class_id>/students/<int:student_id>/remove")
@role_required("teacher")
def remove_student(class_id: int, student_id: int):
    found = owned_class(class_id)
    student = class_student(found, student_id)
    db.session.execute(Enrollment.__table__.delete().where(Enrollment.classroom_id == found.id,
                                                           Enrollment.student_id == student.id))
    db.session.commit()
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
    found = owned_class(class_id)
    now = utcnow().replace(second=0, microsecond=0)
    form = AssignmentForm()
    form.module_id.choices = _module_choices()
    if request.method == "GET":
        form.module_id.data = request.args.get("module") or next((c.value for c in form.module_id.choices), None)
        form.open_at.data, form.due_at.data = now, now + timedelta(days=7)
    if form.validate_on_submit():
        assignment = Assignment(classroom_id=found.id)
        _apply(form, assignment)
        db.session.add(assignment)
        db.session.commit()
        flash("Assigned. Students see it on their dashboard from the opening time.")
        return redirect(url_for("teach.classroom", class_id=found.id))
    return render_template("teach/assign.html", form=form, classroom=found, assignment=None,
                           generated=_generated_choices(form, None))


@bp.route("/assignments/<int:assignment_id>/edit", methods=["GET", "POST"])
@role_required("teacher")
def edit_assignment(assignment_id: int):
    assignment = owned_assignment(assignment_id)
    form = AssignmentForm(obj=assignment)
    form.module_id.choices = _module_choices()
    if form.validate_on_submit():
        _apply(form, assignment)
        db.session.commit()
        flash("Assignment updated.")
        return redirect(url_for("teach.classroom", class_id=assignment.classroom_id))
    return render_template("teach/assign.html", form=form, classroom=assignment.classroom, assignment=assignment,
                           generated=_generated_choices(form, assignment))


def _apply(form: AssignmentForm, assignment: Assignment) -> None:
    for field in ("module_id", "open_at", "due_at", "time_limit_minutes", "attempts_allowed", "grading_method",
                  "review_policy", "shuffle_questions", "shuffle_options"):
        setattr(assignment, field, getattr(form, field).data)
    module = unit().module(assignment.module_id)
    if module is not None:
        store_selection(assignment, module)


def _generated_choices(form: AssignmentForm, assignment: Assignment | None) -> dict:
    """For the form: the teacher's kept generated items per module, with this assignment's selection."""
    return {m.id: selection_for_form(m, assignment if assignment and assignment.module_id == m.id else None)
            for m in unit().modules}
