"""Handout downloads. A warm request only sends a cached file; a cold one becomes a job for the worker (jobs.py)
while the browser shows a "Preparing…" page that polls the job's state, so no web worker waits on WeasyPrint."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app, jsonify, make_response, render_template, request, send_file, url_for
from flask_login import current_user

from .. import jobs
from ..handouts.render import EDITIONS, PAPERS, HandoutCache, Request
from .access import class_students, owned_assignment, role_required
from .state import corpus, module_or_404

bp = Blueprint("handouts", __name__)


def cache() -> HandoutCache:
    found = current_app.extensions.get("corroborate.handouts")
    if found is None:
        directory = Path(current_app.config.get("HANDOUT_CACHE_DIR")
                         or Path(current_app.config["CACHE_DIR"]) / "handouts")
        found = current_app.extensions["corroborate.handouts"] = HandoutCache(directory)
    return found


def serve(handout: Request, filename: str):
    sources = {s.id: s for s in corpus().sources}
    path = cache().get(handout)
    if path is None and current_app.config.get("HANDOUTS_SYNC"):
        path = cache().ensure(handout, sources)
    if path is None:
        job_id = jobs.request_handout(handout)
        response = make_response(render_template("handouts/preparing.html", handout=handout,
                                                 state_url=url_for("handouts.job", job_id=job_id)), 202)
        response.headers["Cache-Control"] = "no-store"
        return response
    response = send_file(path, mimetype="application/pdf", download_name=filename, as_attachment=True, etag=True,
                         conditional=True,
                         max_age=0 if handout.edition == "teacher" else 300)
    if handout.edition == "teacher" or handout.students:
        response.headers["Cache-Control"] = "private, no-store"
    return response


def _parse(module_id: str) -> Request:
    module = module_or_404(module_id)
    edition = request.args.get("edition", "student")
    paper = request.args.get("paper", current_app.config.get("HANDOUT_PAPER", "a4"))
    form = request.args.get("form", "A").upper()
    if edition not in EDITIONS or paper not in PAPERS or not (len(form) == 1 and "A" <= form <= "Z"):
        abort(400, "Use edition=student|teacher, form=A…Z and paper=a4|letter.")
    return Request(module, edition, form, paper)


@bp.get("/handouts/jobs/<job_id>")
def job(job_id: str):
    """A handout job's state, which the "Preparing…" page polls: waiting, done or failed (with a reason)."""
    state, reason = jobs.job_state(job_id)
    response = jsonify(state=state, reason=reason)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/modules/<module_id>/handout.pdf")
def module_handout(module_id: str):
    handout = _parse(module_id)
    if handout.edition == "teacher" and not (current_user.is_authenticated and current_user.is_teacher):
        abort(403, "The teacher edition, with its answer key, is for signed-in teachers only.")
    return serve(handout, f"{handout.module.id}-{handout.edition}-form-{handout.form}-{handout.paper}.pdf")


@bp.get("/teach/assignments/<int:assignment_id>/class-set.pdf")
@role_required("teacher")
def class_set(assignment_id: int):
    """One PDF with a copy for each student of the class, each with the student's name and form (A, B, C, D in turn
    down the roster) and its own page numbers, then the teacher's answer key of each form."""
    assignment = owned_assignment(assignment_id)
    module = module_or_404(assignment.module_id)
    names = tuple(student.name for student in class_students(assignment.classroom_id))
    if not names:
        abort(404, "This class has no students yet.")
    paper = request.args.get("paper", current_app.config.get("HANDOUT_PAPER", "a4"))
    if paper not in PAPERS:
        abort(400, "Use paper=a4|letter.")
    handout = Request(module, "student", "A", paper, students=names)
    return serve(handout, f"{module.id}-class-set-{assignment.classroom.join_code}.pdf")
