"""Generated quiz items: a teacher previews them per module, keeps or drops each, and chooses per assignment which
kept ones join the quiz. Generation runs once per module version per process."""
from __future__ import annotations

import hashlib
import json
from dataclasses import replace

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from ..curriculum.model import Module
from ..quiz.generate import generate
from ..quiz.items import Item
from .auth import role_required
from .extensions import db
from .models import Assignment, AssignmentTerms, GeneratedChoice
from .state import corpus, module_or_404

bp = Blueprint("generated", __name__, url_prefix="/teach")


def generated_for(module: Module) -> list[Item]:
    store = current_app.extensions.setdefault("corroborate.generated", {})
    if module.version not in store:
        store[module.version] = generate(module, {s.id: s for s in corpus().sources}, seed=0)
    return store[module.version]


def kept_ids(teacher_id: int, module_id: str) -> set[str]:
    return set(db.session.scalars(select(GeneratedChoice.item_id).where(
        GeneratedChoice.teacher_id == teacher_id, GeneratedChoice.module_id == module_id,
        GeneratedChoice.kept.is_(True))))


def module_for(assignment: Assignment | AssignmentTerms, module: Module) -> Module:
    """The module as this assignment's quiz: its own items plus the generated items chosen for the assignment.
    The version changes with the choice, so attempts pin exactly the quiz they took."""
    chosen = set(assignment.generated_ids)
    if not chosen:
        return module
    extra = tuple(i for i in generated_for(module) if i.id in chosen)
    if not extra:
        return module
    suffix = hashlib.sha256(",".join(i.id for i in extra).encode()).hexdigest()[:12]
    return replace(module, items=module.items + extra, version=f"{module.version}-{suffix}")


@bp.route("/modules/<module_id>/generated", methods=["GET", "POST"])
@role_required("teacher")
def preview(module_id: str):
    module = module_or_404(module_id)
    items = generated_for(module)
    if request.method == "POST":
        keep = set(request.form.getlist("keep")) & {i.id for i in items}
        existing = {c.item_id: c for c in db.session.scalars(select(GeneratedChoice).where(
            GeneratedChoice.teacher_id == current_user.id, GeneratedChoice.module_id == module.id))}
        for item in items:
            choice = existing.get(item.id)
            if choice is None:
                db.session.add(GeneratedChoice(teacher_id=current_user.id, module_id=module.id, item_id=item.id,
                                               kept=item.id in keep))
            else:
                choice.kept = item.id in keep
        db.session.commit()
        flash(f"Kept {len(keep)} generated question(s). Choose them for an assignment in its quiz settings.")
        return redirect(url_for("generated.preview", module_id=module.id))
    return render_template("teach/generated.html", module=module, items=items,
                           kept=kept_ids(current_user.id, module.id))


def selection_for_form(module: Module, assignment: Assignment | None) -> list[tuple[Item, bool]]:
    """The generated items a teacher kept, each with whether it is chosen for this assignment."""
    kept = kept_ids(current_user.id, module.id)
    chosen = set(assignment.generated_ids) if assignment else kept
    return [(item, item.id in chosen) for item in generated_for(module) if item.id in kept]


def store_selection(assignment: Assignment, module: Module) -> None:
    allowed = kept_ids(current_user.id, module.id) | set(assignment.generated_ids)
    chosen = [i.id for i in generated_for(module) if i.id in allowed and i.id in request.form.getlist("generated")]
    assignment.generated_items = json.dumps(chosen)
