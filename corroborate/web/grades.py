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
from ..curriculum.model import SKILL_LABELS
from ..items import rubric_score
from ..items.base import title_from
from ..items.labels import in_label_order, item_labels
from ..quiz.analysis import bar_chart_svg, item_stats, mastery
from . import attempts as engine
from . import clock
from .access import (class_students, owned_assignment, owned_attempt, owned_class, owned_response, role_required,
                     safe_next)
from .database import writing
from .downloads import attachment
from .extensions import db
from .models import Assignment, Attempt, Classroom, utcnow
from .reviewing import answer_rows
from .standing import points, standing
from .state import unit

bp = Blueprint("grades", __name__, url_prefix="/teach")
bp.add_app_template_filter(points, "points")            # 14, 14.5, 0.33: points as people write them
bp.add_app_template_global(rubric_score, "rubric_score")


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
                          "pending": engine.pending_of(mine)})
        rows.append((student, cells))
    return columns, rows


@bp.get("/classes/<int:class_id>/gradebook")
@role_required("teacher")
def gradebook(class_id: int):
    classroom = owned_class(class_id)
    columns, rows = gradebook_rows(classroom)
    return render_template("grades/gradebook.html", classroom=classroom, columns=columns, rows=rows,
                           titles=_titles(), provisional=any(c["pending"] for _, cells in rows for c in cells))


CSV_STATUS = {"todo": "not submitted", "in-progress": "in progress", "overdue": "missing", "upcoming": "not open yet",
              "done": "final"}


def csv_status(cell: dict) -> str:
    """A gradebook cell's status in the CSV: "final" only when the percentage is the grade."""
    if cell["pending"]:
        return f"provisional: {cell['pending']} written answer{'s' if cell['pending'] != 1 else ''} to mark"
    return CSV_STATUS[cell["status"]]


@bp.get("/classes/<int:class_id>/gradebook.csv")
@role_required("teacher")
def gradebook_csv(class_id: int):
    """One row per student: username and name, then two columns per assignment: the percentage (empty while
    ungraded, and while any written answer waits for a mark) and its status ("final", "provisional: 1 written answer
    to mark", …).

    Why an empty cell and a separate status column: Moodle's CSV grade import reads an empty cell as "no grade"
    (grade/import/csv/classes/load_data.php) and aborts the whole import on text in a grade column, so a marker such
    as "57 (provisional)" in the percentage column would break it; its mapping step lets each status column be left
    at "Ignore". Canvas's gradebook import offers columns it does not know as new assignments, which the teacher
    need not create. Either way no provisional figure reaches the LMS as a final grade."""
    classroom = owned_class(class_id)
    columns, rows = gradebook_rows(classroom)
    titles = _titles()
    out = io.StringIO()
    writer = Writer(out, lineterminator="\r\n")
    header = ["Username", "Name"]
    for a in columns:
        name = f"{titles.get(a.module_id, a.module_id)} (due {clock.to_local(a.due_at):%Y-%m-%d})"
        header += [f"{name} [%]", f"{name} status"]
    writer.writerow(header)
    for student, cells in rows:
        line = [student.username, student.name]
        for c in cells:
            final = c["score"] is not None and not c["pending"]
            line += [f"{c['score']:.1f}" if final else "", csv_status(c)]
        writer.writerow(line)
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


def _analysed(assignment: Assignment, which: str):
    """(every submitted attempt, the attempts analysed, their items in label order, the labels)."""
    everyone = db.session.scalars(SUBMITTED, {"assignment": assignment.id}).all()
    analysed = [a for a in everyone if a.number == 1] if which == "first" else \
        list({a.student_id: a for a in everyone}.values())          # last submitted attempt per student
    items, labels = [], {}
    if analysed:
        version = analysed[0].module_version
        snapshot = engine.snapshot_items(version)
        labels = item_labels(snapshot.values())
        items = in_label_order(snapshot.values(), labels)
        analysed = [a for a in analysed if a.module_version == version]
    return everyone, analysed, items, labels


FEW_ANSWERS = 10        # below this many answers, facility and discrimination say little


@bp.get("/assignments/<int:assignment_id>/results")
@role_required("teacher")
def results(assignment_id: int):
    assignment = owned_assignment(assignment_id)
    module = unit().module(assignment.module_id)
    which = "last" if request.args.get("attempts") == "last" else "first"
    everyone, analysed, items, labels = _analysed(assignment, which)
    scores, choices = _answers(analysed)
    stats = item_stats(items, scores, choices)
    skills = mastery(items, scores)
    class_skills = {skill: _mean([s.get(skill) for s in skills.values()]) for skill in SKILL_LABELS}
    by_student, standings = {}, {}
    for attempt in everyone:
        by_student.setdefault(attempt.student, []).append(attempt)
        standings[attempt.id] = standing(attempt, engine.snapshot_items(attempt.module_version))
    provisional = {s.id for s, mine in by_student.items() if any(standings[a.id].provisional for a in mine)}
    return render_template(
        "grades/results.html", assignment=assignment, module=module, which=which, items=items,
        stats=dict(zip([i.id for i in items], stats)), labels=labels,
        chart=Markup(bar_chart_svg(stats, {i: str(label) for i, label in labels.items()})) if items else "",
        skills=skills, class_skills=class_skills, by_student=by_student, standings=standings,
        provisional=provisional, roster=class_students(assignment.classroom_id), option_text=title_from,
        few=max((s.answered for s in stats), default=0) < FEW_ANSWERS, few_answers=FEW_ANSWERS,
        final={s.id: engine.final_score(a, assignment.grading_method) for s, a in by_student.items()})


@bp.get("/assignments/<int:assignment_id>/results.csv")
@role_required("teacher")
def results_csv(assignment_id: int):
    """Every submitted attempt, a row each: its status and points, then the points on each question under its
    label (empty while a written answer waits for a mark)."""
    assignment = owned_assignment(assignment_id)
    everyone, _, items, labels = _analysed(assignment, "first")
    out = io.StringIO()
    writer = Writer(out, lineterminator="\r\n")
    writer.writerow(["Username", "Name", "Attempt", "Status", "Points", "Out of"] + [str(labels[i.id]) for i in items])
    for attempt in everyone:
        snapshot = engine.snapshot_items(attempt.module_version)
        where = standing(attempt, snapshot)
        marks = {r.item_id: r.score for r in attempt.responses}
        writer.writerow([attempt.student.username, attempt.student.name, attempt.number,
                         f"provisional: {where.words(teacher=True)}" if where.provisional else "final",
                         points(where.earned), points(where.possible)] +
                        [_item_points(i, marks, where.waiting_items) for i in items])
    filename = f"results-{assignment.module_id}-{assignment.classroom.name}.csv".replace(" ", "-")
    return HttpResponse("\ufeff" + out.getvalue(), mimetype="text/csv; charset=utf-8",
                        headers={"Content-Disposition": attachment(filename)})


def _item_points(item, marks: dict, waiting: frozenset[str]) -> str:
    """Points on one question: empty while a written answer waits for a mark; 0 when nothing was answered."""
    if item.id in waiting:
        return ""
    return points((marks.get(item.id) or 0.0) * item.points)


def _mean(values):
    present = [v for v in values if v is not None]
    return sum(present) / len(present) if present else None


@bp.get("/attempts/<int:attempt_id>")
@role_required("teacher")
def attempt(attempt_id: int):
    """A student's attempt: every answer beside the key, marked, with a marking form under each written answer."""
    found = owned_attempt(attempt_id)
    items = engine.snapshot_items(found.module_version)
    return render_template("grades/attempt.html", attempt=found, rows=answer_rows(found, items, key=True, teacher=True),
                           standing=standing(found, items) if found.submitted else None,
                           module=unit().module(found.assignment.module_id))


TO_MARK = (select(Attempt).join(Attempt.assignment).join(Assignment.classroom)
           .where(Classroom.teacher_id == bindparam("teacher"), Attempt.submitted_at.is_not(None), Attempt.pending > 0)
           .order_by(Attempt.submitted_at)
           .options(contains_eager(Attempt.assignment).contains_eager(Assignment.classroom),
                    joinedload(Attempt.student), selectinload(Attempt.responses)))


def _waiting() -> list[dict]:
    """Every written answer waiting for a mark in the teacher's classes, oldest submission first."""
    entries, labels_of = [], {}
    for found in db.session.scalars(TO_MARK, {"teacher": current_user.id}):
        items = engine.snapshot_items(found.module_version)
        if found.module_version not in labels_of:        # the labels of a version, once (not once per attempt)
            labels_of[found.module_version] = item_labels(items.values())
        labels = labels_of[found.module_version]
        for response in engine.waiting_responses(items, found.responses):
            entries.append({"attempt": found, "item": items[response.item_id], "label": labels[response.item_id],
                            "response": response, "value": json.loads(response.value)})
    return entries


@bp.get("/grading")
@role_required("teacher")
def queue():
    """Written answers waiting for a mark, oldest first, across the teacher's classes; ``?class=`` and
    ``?assignment=`` narrow it, and the form lists how many wait under each choice."""
    everything = _waiting()
    class_id = request.args.get("class", type=int)
    assignment_id = request.args.get("assignment", type=int)
    classes, assignments = {}, {}
    for entry in everything:
        found = entry["attempt"].assignment
        classes.setdefault(found.classroom, []).append(entry)
        if class_id in (None, found.classroom_id):
            assignments.setdefault(found, []).append(entry)
    if class_id is not None and class_id not in {c.id for c in classes}:
        classes[owned_class(class_id)] = []        # the class chosen stays chosen when nothing of it waits any more
    shown = [e for e in everything if class_id in (None, e["attempt"].assignment.classroom_id)
             and assignment_id in (None, e["attempt"].assignment_id)]
    return render_template("grades/queue.html", pending=shown, total=len(everything), titles=_titles(),
                           classes={c: len(e) for c, e in sorted(classes.items(), key=lambda x: x[0].name)},
                           assignments={a: len(e) for a, e in assignments.items()},
                           class_id=class_id, assignment_id=assignment_id, back=request.full_path.rstrip("?"))


def _typed_mark(item) -> tuple[dict, float | None, str | None]:
    """(what the teacher typed, the score it gives as a fraction of the item's points, or the reason it cannot be
    saved). Points typed count over a level; "zero" is no credit."""
    typed = {"level": request.form.get("level", ""), "points": (request.form.get("points") or "").strip(),
             "comment": (request.form.get("comment") or "")[:5000]}
    if typed["points"]:
        typed["level"] = "points"
        try:
            given = float(typed["points"].replace(",", "."))
        except ValueError:
            given = -1.0
        if not 0 <= given <= item.points:
            return typed, None, f"Give points from 0 to {points(item.points)}."
        return typed, given / item.points if item.points else 0.0, None
    if typed["level"] == "zero":
        return typed, 0.0, None
    if typed["level"] in {lv.level for lv in item.rubric}:
        return typed, rubric_score(item, typed["level"]), None
    if typed["level"] == "points":
        return typed, None, f"Type the points (0 to {points(item.points)}), or choose a level."
    return typed, None, "Choose a rubric level, no credit, or type the points before saving the mark."


@bp.post("/responses/<int:response_id>/grade")
@role_required("teacher")
def grade_response(response_id: int):
    """Mark (or mark again) a written answer; a mark that cannot be saved is shown again with what was typed."""
    response = owned_response(response_id)
    item = engine.snapshot_items(response.attempt.module_version).get(response.item_id)
    back = safe_next(request.form.get("back"), url_for("grades.queue"))
    if item is None or not item.manual:
        flash("Only written answers are marked by hand.", "error")
        return redirect(back)
    if not response.attempt.submitted:
        flash("This attempt is still in progress: mark it once it is submitted.", "error")
        return redirect(back)
    typed, score, problem = _typed_mark(item)
    if problem:
        return render_template("grades/mark.html", response=response, item=item, back=back, error=problem,
                               typed=typed, value=json.loads(response.value)), 400
    with writing():
        response.rubric_level = typed["level"] if typed["level"] in {lv.level for lv in item.rubric} else None
        response.score = score
        response.comment = typed["comment"].strip() or None
        response.graded_at = utcnow()
        engine.total_attempt(response.attempt)
    flash(f"Saved {points(score * item.points)} of {points(item.points)} points for {response.attempt.student.name}.")
    return redirect(back)
