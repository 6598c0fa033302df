"""Teacher views of results: gradebook and its CSV, assignment results with item analysis and skill mastery, a
student's attempt, and the grading queue for written answers."""
from __future__ import annotations

import io
import json

from flask import Blueprint, Response as HttpResponse, flash, redirect, render_template, request, url_for
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import bindparam, select
from sqlalchemy.orm import contains_eager, joinedload, load_only, selectinload

from ..csvsafe import Writer
from ..curriculum.markup import plain
from ..curriculum.model import SKILL_LABELS
from ..quiz.analysis import bar_chart_svg, item_stats, mastery
from ..items import grade, rubric_score
from . import attempts as engine
from .access import (class_students, owned_assignment, owned_attempt, owned_class, owned_response, role_required,
                     safe_next)
from .database import writing
from .downloads import attachment
from .extensions import db
from .models import Assignment, Attempt, Classroom, utcnow
from .state import unit

bp = Blueprint("grades", __name__, url_prefix="/teach")


def _titles() -> dict[str, str]:
    return {m.id: m.title for m in unit().modules}


CLASS_ATTEMPTS = (select(Attempt).join(Attempt.assignment).where(Assignment.classroom_id == bindparam("classroom"))
                  .order_by(Attempt.number)
                  .options(load_only(Attempt.assignment_id, Attempt.student_id, Attempt.number, Attempt.deadline,
                                     Attempt.submitted_at, Attempt.score, Attempt.points_possible, Attempt.pending)))


def gradebook_rows(classroom: Classroom):
    """The class's assignments, and a row per student with a cell per assignment: three statements (assignments,
    students, every attempt of the class) however large the class."""
    now = utcnow()
    columns = list(classroom.assignments)
    attempts: dict[tuple[int, int], list[Attempt]] = {}
    for attempt in db.session.scalars(CLASS_ATTEMPTS, {"classroom": classroom.id}):
        attempts.setdefault((attempt.student_id, attempt.assignment_id), []).append(attempt)
    rows = []
    for student in class_students(classroom.id):
        cells = []
        for assignment in columns:
            mine = attempts.get((student.id, assignment.id), [])
            cells.append({"status": engine.status_of(assignment, mine, now),
                          "score": engine.final_score(mine, assignment.grading_method),
                          "pending": sum(a.pending for a in mine if a.submitted)})
        rows.append((student, cells))
    return columns, rows


@bp.get("/classes/<int:class_id>/gradebook")
@role_required("teacher")
def gradebook(class_id: int):
    classroom = owned_class(class_id)
    columns, rows = gradebook_rows(classroom)
    return render_template("grades/gradebook.html", classroom=classroom, columns=columns, rows=rows,
                           titles=_titles())


@bp.get("/classes/<int:class_id>/gradebook.csv")
@role_required("teacher")
def gradebook_csv(class_id: int):
    """One row per student: username and name, then one column per assignment (percent, empty when ungraded)."""
    classroom = owned_class(class_id)
    columns, rows = gradebook_rows(classroom)
    titles = _titles()
    out = io.StringIO()
    writer = Writer(out, lineterminator="\r\n")
    writer.writerow(["Username", "Name"] + [f"{titles.get(a.module_id, a.module_id)} (due {a.due_at:%Y-%m-%d}) [%]"
                                            for a in columns])
    for student, cells in rows:
        writer.writerow([student.username, student.name] +
                        ["" if c["score"] is None else f"{c['score']:.1f}" for c in cells])
    filename = f"grades-{classroom.name}.csv".replace(" ", "-")
    return HttpResponse("\ufeff" + out.getvalue(), mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": attachment(filename)})


def _answers(attempts: list[Attempt]) -> tuple[dict, dict]:
    """(student → item → score, student → item → answer) for graded answers of the given attempts."""
    scores, choices = {}, {}
    for attempt in attempts:
        key = attempt.student.username
        scores[key], choices[key] = {}, {}
        for response in attempt.responses:
            choices[key][response.item_id] = json.loads(response.value)
            if response.score is not None:
                scores[key][response.item_id] = response.score
    return scores, choices


SUBMITTED = (select(Attempt).where(Attempt.assignment_id == bindparam("assignment"), Attempt.submitted_at.is_not(None))
             .order_by(Attempt.student_id, Attempt.number)
             .options(joinedload(Attempt.student), selectinload(Attempt.responses)))


@bp.get("/assignments/<int:assignment_id>/results")
@role_required("teacher")
def results(assignment_id: int):
    assignment = owned_assignment(assignment_id)
    module = unit().module(assignment.module_id)
    which = request.args.get("attempts", "first")
    everyone = db.session.scalars(SUBMITTED, {"assignment": assignment.id}).all()
    analysed = [a for a in everyone if a.number == 1] if which == "first" else \
        list({a.student_id: a for a in everyone}.values())          # last submitted attempt per student
    items = []
    if analysed:
        version = analysed[0].module_version
        items = list(engine.snapshot_items(version).values())
        analysed = [a for a in analysed if a.module_version == version]
    scores, choices = _answers(analysed)
    stats = item_stats(items, scores, choices)
    labels = {i.id: f"Q{n}" for n, i in enumerate(items, start=1)}
    skills = mastery(items, scores)
    class_skills = {skill: _mean([s.get(skill) for s in skills.values()]) for skill in SKILL_LABELS}
    by_student = {}
    for attempt in everyone:
        by_student.setdefault(attempt.student, []).append(attempt)
    return render_template(
        "grades/results.html", assignment=assignment, module=module, which=which, items=items,
        stats=dict(zip([i.id for i in items], stats)), labels=labels,
        chart=Markup(bar_chart_svg(stats, labels)) if items else "", skills=skills, class_skills=class_skills,
        by_student=by_student, roster=class_students(assignment.classroom_id), plain=plain,
        final={s.id: engine.final_score(a, assignment.grading_method) for s, a in by_student.items()})


def _mean(values):
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


@bp.get("/attempts/<int:attempt_id>")
@role_required("teacher")
def attempt(attempt_id: int):
    found = owned_attempt(attempt_id)
    items = engine.snapshot_items(found.module_version)
    layout = json.loads(found.layout)
    answers = {r.item_id: r for r in found.responses}
    rows = []
    for item_id in layout["items"]:
        item = items[item_id]
        response = answers.get(item_id)
        value = json.loads(response.value) if response else None
        rows.append({"item": item, "response": response, "value": value,
                     "result": grade(item, value) if value is not None and not item.manual else None})
    return render_template("grades/attempt.html", attempt=found, rows=rows, module=unit().module(
        found.assignment.module_id))


TO_MARK = (select(Attempt).join(Attempt.assignment).join(Assignment.classroom)
           .where(Classroom.teacher_id == bindparam("teacher"), Attempt.submitted_at.is_not(None), Attempt.pending > 0)
           .order_by(Attempt.submitted_at)
           .options(contains_eager(Attempt.assignment).contains_eager(Assignment.classroom),
                    joinedload(Attempt.student), selectinload(Attempt.responses)))


@bp.get("/grading")
@role_required("teacher")
def queue():
    """Written answers waiting for a mark, oldest first, across the teacher's classes."""
    pending = []
    for found in db.session.scalars(TO_MARK, {"teacher": current_user.id}):
        items = engine.snapshot_items(found.module_version)
        for response in found.responses:
            item = items.get(response.item_id)
            if item is not None and item.manual and response.score is None and json.loads(response.value):
                pending.append({"attempt": found, "item": item, "response": response,
                                "value": json.loads(response.value)})
    return render_template("grades/queue.html", pending=pending, titles=_titles())


@bp.post("/responses/<int:response_id>/grade")
@role_required("teacher")
def grade_response(response_id: int):
    response = owned_response(response_id)
    item = engine.snapshot_items(response.attempt.module_version).get(response.item_id)
    level = request.form.get("level")
    back = safe_next(request.form.get("back"), url_for("grades.queue"))
    if item is None or not item.manual or level not in {lv.level for lv in item.rubric}:
        flash("Choose a rubric level before saving the mark.", "error")
        return redirect(back)
    with writing():
        response.rubric_level = level
        response.score = rubric_score(item, level)
        response.comment = (request.form.get("comment") or "").strip()[:5000] or None
        response.graded_at = utcnow()
        engine.total_attempt(response.attempt)
    flash(f"Marked {level} for {response.attempt.student.name}.")
    return redirect(back)
