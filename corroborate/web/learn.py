"""Student pages: the dashboard of assignments, starting a quiz, taking it, and reviewing it when allowed."""
from __future__ import annotations

import json
from dataclasses import dataclass

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape
from sqlalchemy import bindparam, select
from sqlalchemy.orm import load_only, selectinload

from ..items.questions import questions_html
from ..quiz.present import shown_answer, student_item
from . import attempts as engine
from .access import module_for, own_attempt, role_required, student_assignment, student_assignment_and_attempts
from .database import writing
from .extensions import db
from .forms import JoinAnotherForm
from .models import Assignment, Attempt, Classroom, Enrollment, utcnow
from .pagecache import LRU, MB, hole, page_shell, site_header
from .reviewing import answer_rows
from .standing import standing
from .state import corpus, module_or_404, unit

bp = Blueprint("learn", __name__, url_prefix="/learn")


@dataclass(frozen=True)
class Row:
    assignment: Assignment
    module_title: str
    status: str            # "upcoming", "todo", "in-progress", "done", "overdue"
    attempts_used: int
    score: float | None    # percent, when the review policy lets the student see it
    progress: str          # where the student stands, in words: "Not started", "In progress: 23 minutes left", ...
    waiting: int           # written answers waiting for the teacher's mark (the score is not final meanwhile)


STATUS_LABELS = {"upcoming": "Not open yet", "todo": "To do", "in-progress": "In progress", "done": "Done",
                 "overdue": "Overdue"}


MY_CLASSES = (select(Classroom).join(Enrollment).where(Enrollment.student_id == bindparam("student"),
                                                       Classroom.archived.is_(False))
              .order_by(Classroom.name).options(selectinload(Classroom.assignments)))
MY_ATTEMPTS = select(Attempt).where(Attempt.student_id == bindparam("student")).order_by(Attempt.number).options(
    load_only(Attempt.assignment_id, Attempt.number, Attempt.deadline, Attempt.submitted_at, Attempt.score,
              Attempt.points_possible, Attempt.pending))


@bp.get("/")
@role_required("student")
def dashboard():
    """Three statements however many classes and assignments: the classes, their assignments, the attempts."""
    now = utcnow()
    modules = {m.id: m for m in unit().modules}
    classes = db.session.scalars(MY_CLASSES, {"student": current_user.id}).all()
    attempts: dict[int, list[Attempt]] = {}
    for attempt in db.session.scalars(MY_ATTEMPTS, {"student": current_user.id}):
        attempts.setdefault(attempt.assignment_id, []).append(attempt)
    groups: dict[str, list[Row]] = {key: [] for key in STATUS_LABELS}
    for classroom in classes:
        for assignment in classroom.assignments:
            mine = attempts.get(assignment.id, [])
            status = engine.status_of(assignment, mine, now)
            shown = engine.final_score(mine, assignment.grading_method) \
                if engine.review_allowed(assignment, now) else None
            title = modules[assignment.module_id].title if assignment.module_id in modules else assignment.module_id
            groups[status].append(Row(assignment, title, status, len(mine), shown,
                                      progress(assignment, mine, status, shown, now), engine.pending_of(mine)))
    return render_template("learn/dashboard.html", groups=groups, labels=STATUS_LABELS, classes=classes,
                           join_form=JoinAnotherForm())


def progress(assignment: Assignment, mine: list[Attempt], status: str, score: float | None, now) -> str:
    """Where a student stands on an assignment, as the dashboard says it."""
    if status == "in-progress":
        current = next(a for a in mine if not a.submitted and a.deadline > now)
        if assignment.time_limit_minutes:
            minutes = minutes_left(current, now)
            return f"In progress: {minutes} minute{'s' if minutes != 1 else ''} left"
        return "In progress"
    if status == "done":
        waiting = engine.pending_of(mine)
        if waiting:
            return (f"Submitted: {waiting} written answer{'s' if waiting != 1 else ''} waiting for your teacher "
                    "to mark")
        if score is not None:
            return "Marked"
        return "Submitted: marks after the due date" if assignment.review_policy == "after_due" else "Submitted"
    if status == "upcoming":
        return "Not open yet"
    return "Not started: the due date has passed" if status == "overdue" else "Not started"


def _sources() -> dict:
    """The library's sources by id, for the documents beside a quiz (only when its page is rendered, not filled)."""
    return {s.id: s for s in corpus().sources}


def minutes_left(attempt: Attempt, now) -> int:
    """Whole minutes until an open attempt is submitted by its deadline."""
    return int((attempt.deadline - now).total_seconds() // 60)


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
            with writing():
                db.session.add(Enrollment(classroom_id=classroom.id, student_id=current_user.id))
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
                           status=engine.status_of(found, mine, now), can_review=engine.review_allowed(found, now),
                           final=engine.final_score(mine, found.grading_method), waiting=engine.pending_of(mine),
                           minutes_left=minutes_left(current, now) if current else None, now=now)


@bp.post("/assignments/<int:assignment_id>/start")
@role_required("student")
def start(assignment_id: int):
    """Three statements: the signed-in student, the assignment with their attempts at it, and the new attempt."""
    found, mine = student_assignment_and_attempts(assignment_id)
    module = module_or_404(found.module_id)
    try:
        attempt = engine.start(found, current_user._get_current_object(), module_for(found, module), mine)
    except engine.AttemptRefused as refused:
        flash(refused.reason, "error")
        return redirect(url_for("learn.assignment", assignment_id=found.id))
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


_url_of_attempt = LRU(MB, max_entries=256)
_SOME_ATTEMPT = 9_876_543_210


def attempt_url(endpoint: str, attempt_id: int, **values: str) -> str:
    """``url_for(endpoint, attempt_id=attempt_id, **values)``, routed once per endpoint (and site root) and then
    filled in with the id: every quiz page carries five such addresses."""
    template = _url_of_attempt.get((endpoint, request.script_root, *values.items()),
                                   lambda: url_for(endpoint, attempt_id=_SOME_ATTEMPT, **values))
    return template.replace(str(_SOME_ATTEMPT), str(attempt_id))


def quiz_page(attempt: Attempt, module) -> Markup:
    """The page a student answers the quiz on. It is a shell per module version, filled per attempt (a whole class
    asks for it within a second when they press Start together); with a message waiting for the student, it is
    rendered whole, message included."""
    items = engine.snapshot_items(attempt.module_version)
    layout = json.loads(attempt.layout)
    saved = {r.item_id: {"value": shown_answer(r.item_id, layout, json.loads(r.value)), "seq": r.seq}
             for r in attempt.responses}
    answers = {item_id: answer["value"] for item_id, answer in saved.items()}
    shown = [item_id for item_id in layout["items"] if item_id in items]
    questions = questions_html(current_app.jinja_env, [(student_item(items[item_id], layout), n, answers.get(item_id))
                                                       for n, item_id in enumerate(shown, start=1)])
    state = {"attempt": attempt.id, "deadline": attempt.deadline.isoformat() + "Z", "saved": saved,
             "url": attempt_url("learn.take", attempt.id),
             "save_url": attempt_url("api.save_answer", attempt.id, item_id="__ITEM__"),
             "submit_url": attempt_url("api.submit", attempt.id),
             "review_url": attempt_url("learn.review", attempt.id)}
    values = {"csrf": escape(generate_csrf()), "submit_action": escape(attempt_url("learn.submit_form", attempt.id)),
              "state": htmlsafe_json_dumps(state), "items": questions}
    if session.get("_flashes"):
        return Markup(render_template("learn/take.html", module=module, sources=_sources(), **values))
    page = page_shell(("quiz", module.version if module else None), lambda: render_template(
        "learn/take.html", module=module, sources=_sources(), **{name: hole(name) for name in values}))
    return page.fill(site_header=site_header(), **values)


@bp.post("/attempts/<int:attempt_id>/submit")
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
                    item = items[item_id]
                    answer = item.kind.answer_from_form(student_item(item, layout), values)
                    engine.save(attempt, item_id, answer, seqs.get(item_id, 0) + 1)
        except engine.AttemptRefused as refused:
            flash(refused.reason, "error")
        engine.submit(attempt)
    return redirect(url_for("learn.review", attempt_id=attempt.id))


@bp.get("/attempts/<int:attempt_id>/review")
@role_required("student")
def review(attempt_id: int):
    """The student's answers, in the order of the items' labels; the key, marks, feedback and score only when the
    review policy allows them."""
    attempt = own_attempt(attempt_id)
    assignment = student_assignment(attempt.assignment_id)
    if not attempt.submitted:
        return redirect(url_for("learn.take", attempt_id=attempt.id))
    allowed = engine.review_allowed(assignment)
    items = engine.snapshot_items(attempt.module_version)
    return render_template("learn/review.html", attempt=attempt, assignment=assignment, allowed=allowed,
                           rows=answer_rows(attempt, items, key=allowed),
                           standing=standing(attempt, items) if allowed else None)
