"""The unit and its lessons: what a class reads before, during and after a quiz."""
from __future__ import annotations

from flask import Blueprint, abort, render_template
from flask_login import current_user

from ..curriculum.model import SKILL_LABELS
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
    found = module_or_404(module_id)
    teacher = current_user.is_authenticated and current_user.is_teacher
    body = fragment(("module", found.version, teacher), lambda: render_template(
        "catalog/module_body.html", module=found, sources={s.id: s for s in corpus().sources}))
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
