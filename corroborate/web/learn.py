"""Student pages: the dashboard of assignments, starting a quiz, taking it, and reviewing it when allowed."""
from __future__ import annotations

import json
from dataclasses import dataclass, fields

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape
from sqlalchemy import bindparam, select

from ..quiz.items import Item, grade
from ..quiz.present import answer_from_form, shown_answer, student_item
from . import attempts as engine
from .auth import role_required
from .database import driver_select, reads_first
from .extensions import db
from .forms import JoinAnotherForm
from .generated import module_for
from .models import Assignment, AssignmentTerms, Attempt, AttemptTerms, Classroom, Enrollment, SignedIn, utcnow
from .pagecache import Memo, hole, page_shell, site_header
from .question_html import question_html
from .state import module_or_404, unit

bp = Blueprint("learn", __name__, url_prefix="/learn")


def _students_assignment(*entities):
    """A statement selecting ``entities`` of an assignment in an unarchived class the student is enrolled in."""
    return (select(*entities).join(Classroom).join(Enrollment, Enrollment.classroom_id == Classroom.id)
            .where(Assignment.id == bindparam("assignment"), Enrollment.student_id == bindparam("student"),
                   Classroom.archived.is_(False)))


def _with_attempts(*entities):
    """As :func:`_students_assignment`, joined with the student's attempts at it (none: one row of NULLs)."""
    return _students_assignment(*entities).outerjoin(
        Attempt, (Attempt.assignment_id == Assignment.id) & (Attempt.student_id == bindparam("student")))


STUDENT_ASSIGNMENT = _students_assignment(Assignment)      # built once, not per request: building it costs time
WITH_ATTEMPTS = _with_attempts(Assignment, Attempt).order_by(Attempt.number)
TERMS = _with_attempts(*(getattr(Assignment, f.name) for f in fields(AssignmentTerms)), Attempt.id)


def student_assignment(assignment_id: int) -> Assignment:
    """The assignment, if it belongs to a class the signed-in student is in and the class is not archived; 404
    otherwise. One query."""
    assignment = db.session.scalar(STUDENT_ASSIGNMENT, {"assignment": assignment_id, "student": current_user.id})
    if assignment is None:
        abort(404, "There is no such assignment in your classes.")
    return assignment


def student_assignment_and_attempts(assignment_id: int) -> tuple[Assignment, list[Attempt]]:
    """As :func:`student_assignment`, with the student's attempts at it in order, in the same query."""
    rows = db.session.execute(WITH_ATTEMPTS, {"assignment": assignment_id, "student": current_user.id}).all()
    if not rows:
        abort(404, "There is no such assignment in your classes.")
    return rows[0][0], [attempt for _, attempt in rows if attempt is not None]


def student_assignment_terms(assignment_id: int, student: SignedIn) -> tuple[AssignmentTerms, bool]:
    """As :func:`student_assignment`, the terms of the assignment, and whether ``student`` (signed in) has attempted
    it: one query by the driver (when a whole class presses Start, loading the rows through the ORM would cost
    more)."""
    rows = driver_select(TERMS, assignment=assignment_id, student=student.id)
    if not rows:
        abort(404, "There is no such assignment in your classes.")
    return AssignmentTerms(*rows[0][:-1]), rows[0][-1] is not None


NOT_YOURS = "There is no such attempt of yours."
ATTEMPT_TERMS = select(*(getattr(Attempt, f.name) for f in fields(AttemptTerms))).where(
    Attempt.id == bindparam("attempt"), Attempt.student_id == bindparam("student"))


def own_attempt(attempt_id: int) -> Attempt:
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None or attempt.student_id != current_user.id:
        abort(404, NOT_YOURS)
    return attempt


def own_attempt_terms(attempt_id: int) -> AttemptTerms:
    """As :func:`own_attempt`, what saving an answer or submitting needs of it: one query by the driver."""
    rows = driver_select(ATTEMPT_TERMS, attempt=attempt_id, student=current_user.id)
    if not rows:
        abort(404, NOT_YOURS)
    return AttemptTerms(*rows[0])


@dataclass(frozen=True)
class Row:
    assignment: Assignment
    module_title: str
    status: str            # "upcoming", "todo", "in-progress", "done", "overdue"
    attempts_used: int
    score: float | None    # percent, when the review policy lets the student see it


STATUS_LABELS = {"upcoming": "Not open yet", "todo": "To do", "in-progress": "In progress", "done": "Done",
                 "overdue": "Overdue"}


def status_of(assignment: Assignment, attempts: list[Attempt], now) -> str:
    if any(not a.submitted and a.deadline > now for a in attempts):
        return "in-progress"
    if any(a.submitted for a in attempts):
        return "done"
    if now < assignment.open_at:
        return "upcoming"
    if now >= assignment.due_at:
        return "overdue"
    return "todo"


@bp.get("/")
@role_required("student")
def dashboard():
    now = utcnow()
    modules = {m.id: m for m in unit().modules}
    classes = db.session.scalars(select(Classroom).join(Enrollment).where(
        Enrollment.student_id == current_user.id, Classroom.archived.is_(False)).order_by(Classroom.name)).all()
    groups: dict[str, list[Row]] = {key: [] for key in STATUS_LABELS}
    for classroom in classes:
        for assignment in classroom.assignments:
            mine = engine.attempts_of(assignment, current_user)
            status = status_of(assignment, mine, now)
            shown = engine.final_score(mine, assignment.grading_method) \
                if engine.review_allowed(assignment, now) else None
            title = modules[assignment.module_id].title if assignment.module_id in modules else assignment.module_id
            groups[status].append(Row(assignment, title, status, len(mine), shown))
    return render_template("learn/dashboard.html", groups=groups, labels=STATUS_LABELS, classes=classes,
                           join_form=JoinAnotherForm())


@bp.post("/join")
@role_required("student")
def join_another():
    form = JoinAnotherForm()
    if form.validate_on_submit():
        classroom = db.session.scalar(select(Classroom).where(Classroom.join_code == form.code.data,
                                                              Classroom.archived.is_(False)))
        if classroom is None:
            flash("No open class has that code. Check it with your teacher.", "error")
        elif db.session.scalar(select(Enrollment.id).where(Enrollment.classroom_id == classroom.id,
                                                           Enrollment.student_id == current_user.id)):
            flash(f"You are already in {classroom.name}.")
        else:
            db.session.add(Enrollment(classroom_id=classroom.id, student_id=current_user.id))
            db.session.commit()
            flash(f"You joined {classroom.name}.")
    else:
        flash("Type the class code your teacher gave you.", "error")
    return redirect(url_for("learn.dashboard"))


@bp.get("/assignments/<int:assignment_id>")
@role_required("student")
def assignment(assignment_id: int):
    found, mine = student_assignment_and_attempts(assignment_id)
    now = utcnow()
    module = unit().module(found.module_id)
    current = engine.open_attempt(found, current_user, now, mine)
    return render_template("learn/assignment.html", assignment=found, module=module, attempts=mine, current=current,
                           status=status_of(found, mine, now), can_review=engine.review_allowed(found, now),
                           final=engine.final_score(mine, found.grading_method), now=now)


@bp.post("/assignments/<int:assignment_id>/start")
@reads_first
@role_required("student")
def start(assignment_id: int):
    student = current_user._get_current_object()      # looked up once: each use of the proxy looks it up again
    terms, attempted = student_assignment_terms(assignment_id, student)
    module = module_or_404(terms.module_id)
    mine = engine.attempts_of(terms, student) if attempted else []
    try:
        attempt = engine.start(terms, student, module_for(terms, module), mine)
    except engine.AttemptRefused as refused:
        flash(refused.reason, "error")
        return redirect(url_for("learn.assignment", assignment_id=terms.id))
    # Answer with the quiz itself rather than a redirect: when a whole class presses Start together, every request
    # saved counts (quiz.js then shows the attempt's own address; starting again returns the same attempt).
    return quiz_page(attempt, module)


@bp.get("/attempts/<int:attempt_id>")
@role_required("student")
def take(attempt_id: int):
    attempt = own_attempt(attempt_id)
    assignment = student_assignment(attempt.assignment_id)
    if attempt.submitted or attempt.deadline <= utcnow():
        if not attempt.submitted:
            engine.submit(attempt)
        return redirect(url_for("learn.review", attempt_id=attempt.id))
    return quiz_page(attempt, unit().module(assignment.module_id))


_unanswered = Memo(10_000)      # kept apart from the page shells: there is one per order of choices
_NUMBER = str(hole("number"))


def question(version: str, item: Item, layout: dict, number: int, value: object) -> str:
    """A question of this attempt, as HTML. Unanswered (as every question is when a quiz starts), it is made once per
    module version and order of its choices, as the text before its number and the text after."""
    if value is not None or item.id in layout.get("aliases", {}):      # answered, or its choices' ids are its own
        return question_html(student_item(item, layout), number, value)
    key = (version, item.id, tuple(layout["options"].get(item.id, ())), tuple(layout["elements"].get(item.id, ())))
    before, after = _unanswered.get(key, lambda: str(question_html(student_item(item, layout), _NUMBER)).split(_NUMBER))
    return f"{before}{number}{after}"


_url_of_attempt = Memo(256)
_SOME_ATTEMPT = 9_876_543_210


def attempt_url(endpoint: str, attempt_id: int, **values: str) -> str:
    """``url_for(endpoint, attempt_id=attempt_id, **values)``, routed once per endpoint (and site root) and then
    filled in with the id: every quiz page carries five such addresses."""
    template = _url_of_attempt.get((endpoint, request.script_root, *values.items()),
                                   lambda: url_for(endpoint, attempt_id=_SOME_ATTEMPT, **values))
    return template.replace(str(_SOME_ATTEMPT), str(attempt_id))


def quiz_page(attempt: Attempt | engine.Started, module) -> Markup:
    """The page a student answers the quiz on. It is a shell per module version, filled per attempt (a whole class
    asks for it within a second when they press Start together); with a message waiting for the student, it is
    rendered whole, message included."""
    items = engine.snapshot_items(attempt.module_version)
    layout = json.loads(attempt.layout)
    saved = {r.item_id: {"value": shown_answer(r.item_id, layout, json.loads(r.value)), "seq": r.seq}
             for r in attempt.responses}
    answers = {item_id: answer["value"] for item_id, answer in saved.items()}
    shown = [item_id for item_id in layout["items"] if item_id in items]
    views = [question(attempt.module_version, items[item_id], layout, number, answers.get(item_id))
             for number, item_id in enumerate(shown, start=1)]
    state = {"attempt": attempt.id, "deadline": attempt.deadline.isoformat() + "Z", "saved": saved,
             "url": attempt_url("learn.take", attempt.id),
             "save_url": attempt_url("api.save_answer", attempt.id, item_id="__ITEM__"),
             "submit_url": attempt_url("api.submit", attempt.id),
             "review_url": attempt_url("learn.review", attempt.id)}
    values = {"csrf": escape(generate_csrf()), "submit_action": escape(attempt_url("learn.submit_form", attempt.id)),
              "state": htmlsafe_json_dumps(state), "items": Markup("".join(views))}
    if session.get("_flashes"):
        return Markup(render_template("learn/take.html", module=module, **values))
    page = page_shell(("quiz", module.version if module else None), lambda: render_template(
        "learn/take.html", module=module, **{name: hole(name) for name in values}))
    return page.fill(site_header=site_header(), **values)


@bp.post("/attempts/<int:attempt_id>/submit")
@reads_first
@role_required("student")
def submit_form(attempt_id: int):
    """Submitting without JavaScript: save what the form carries, then submit (both idempotent)."""
    attempt = own_attempt(attempt_id)
    student_assignment(attempt.assignment_id)
    if not attempt.submitted:
        items = engine.snapshot_items(attempt.module_version)
        layout = json.loads(attempt.layout)
        seqs = {r.item_id: r.seq for r in attempt.responses}
        try:
            for item_id in layout["items"]:
                values = request.form.getlist(f"answer-{item_id}")
                if values and any(v.strip() for v in values):
                    answer = answer_from_form(student_item(items[item_id], layout), values)
                    engine.save(attempt, item_id, answer, seqs.get(item_id, 0) + 1)
        except engine.AttemptRefused as refused:
            flash(refused.reason, "error")
        engine.submit(attempt)
    return redirect(url_for("learn.review", attempt_id=attempt.id))


@bp.get("/attempts/<int:attempt_id>/review")
@role_required("student")
def review(attempt_id: int):
    attempt = own_attempt(attempt_id)
    assignment = student_assignment(attempt.assignment_id)
    if not attempt.submitted:
        return redirect(url_for("learn.take", attempt_id=attempt.id))
    allowed = engine.review_allowed(assignment)
    rows = []
    if allowed:
        items = engine.snapshot_items(attempt.module_version)
        layout = json.loads(attempt.layout)
        answers = {r.item_id: r for r in attempt.responses}
        for item_id in layout["items"]:
            item = items[item_id]
            response = answers.get(item_id)
            value = json.loads(response.value) if response else None
            result = grade(item, value) if value is not None else None
            rows.append({"item": item, "view": student_item(item, layout), "value": value, "result": result,
                         "response": response})
    return render_template("learn/review.html", attempt=attempt, assignment=assignment, allowed=allowed, rows=rows)
