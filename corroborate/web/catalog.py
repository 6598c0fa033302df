"""The unit and its lessons: what a class reads before, during and after a quiz; and, for a teacher, a lesson's quiz
tried as a student would take it (nothing stored) and the way to assign it."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..curriculum.model import SKILL_LABELS
from ..items import answer_problem, grade
from ..items.questions import questions_html
from ..quiz.present import layout_for, stored_answer, student_item
from .access import kept_items, role_required
from .extensions import db
from .models import Classroom
from .pagecache import fragment, shared_page
from .state import corpus, module_or_404, unit

bp = Blueprint("catalog", __name__)


@bp.app_context_processor
def labels():
    return {"skill_labels": SKILL_LABELS}


@bp.get("/")
@shared_page(params=())
def index():
    return render_template("catalog/index.html", unit=unit())


@bp.get("/modules/<module_id>")
@shared_page(params=())
def module(module_id: str):
    """A lesson. The page is kept per audience (pagecache keys shared pages by role), and its body per audience
    too: a teacher's lesson carries the teacher's tools, a student's or a visitor's never does."""
    found = module_or_404(module_id)
    teacher = current_user.is_authenticated and current_user.is_teacher
    body = fragment(("module", found.version, teacher), lambda: render_template(
        "catalog/module_body.html", module=found, sources={s.id: s for s in corpus().sources}, teacher=teacher))
    return render_template("catalog/module.html", module=found, body=body)


@bp.get("/modules/<module_id>/exercises/<exercise_id>")
@shared_page(params=())
def exercise(module_id: str, exercise_id: str):
    """The side-by-side view: an exercise's excerpts in columns (stacked on phones) under its prompt."""
    found = module_or_404(module_id)
    chosen = next((e for e in found.exercises if e.id == exercise_id), None)
    if chosen is None:
        abort(404, f"Module {module_id!r} has no exercise {exercise_id!r}.")
    library = corpus()
    return render_template("catalog/exercise.html", module=found, exercise=chosen,
                           excerpts=[found.excerpt(e) for e in chosen.excerpts],
                           sources={s.id: s for s in library.sources})


@bp.get("/modules/<module_id>/assign")
@role_required("teacher")
def assign(module_id: str):
    """"Assign to a class" from a lesson: straight to the assignment form of the teacher's one active class, or a
    choice of their classes."""
    found = module_or_404(module_id)
    classes = db.session.scalars(select(Classroom).where(Classroom.teacher_id == current_user.id,
                                                         Classroom.archived.is_(False))
                                 .order_by(Classroom.name)).all()
    if len(classes) == 1:
        return redirect(url_for("teach.assign", class_id=classes[0].id, module=found.id))
    return render_template("catalog/choose_class.html", module=found, classes=classes)


@bp.route("/modules/<module_id>/preview", methods=["GET", "POST"])
@role_required("teacher")
def preview(module_id: str):
    """The lesson's quiz as a student sees it, for a teacher to try, with the generated questions this teacher kept
    after the written ones (an assignment adds those it is given). Submitting grades the answers on the page and
    shows each result with its key; nothing is written to the database."""
    found = module_or_404(module_id)
    extra = kept_items(current_user.id, found)
    items = {item.id: item for item in (*found.items, *extra)}
    layout = layout_for(list(items.values()), "preview", shuffle_items=False, shuffle_options=False)
    views = {item_id: student_item(items[item_id], layout) for item_id in layout["items"]}
    answers, results = {}, []
    if request.method == "POST":
        for number, item_id in enumerate(layout["items"], start=1):
            item, values = items[item_id], request.form.getlist(f"answer-{item_id}")
            answer = None
            if any(v.strip() for v in values):
                answer = stored_answer(item_id, layout, item.kind.answer_from_form(views[item_id], values))
                if answer_problem(item, answer):
                    answer = None
            answers[item_id] = answer
            results.append({"number": number, "item": item, "answer": answer,
                            "grade": grade(item, answer) if answer is not None and not item.manual else None})
    questions = questions_html(current_app.jinja_env, [(views[item_id], n, answers.get(item_id))
                                                       for n, item_id in enumerate(layout["items"], start=1)])
    return render_template("catalog/preview.html", module=found, questions=questions, results=results,
                           sources={s.id: s for s in corpus().sources}, generated=len(extra))
