"""Generated quiz items: a teacher previews them per module, keeps or drops each, and chooses per assignment which
kept ones join the quiz. Generation runs once per module version per process."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from .access import kept_ids, role_required
from .database import writing
from .extensions import db
from .models import GeneratedChoice
from .state import generated_for, module_or_404

bp = Blueprint("generated", __name__, url_prefix="/teach")


@bp.route("/modules/<module_id>/generated", methods=["GET", "POST"])
@role_required("teacher")
def preview(module_id: str):
    module = module_or_404(module_id)
    items = generated_for(module)
    if request.method == "POST":
        keep = set(request.form.getlist("keep")) & {i.id for i in items}
        with writing():
            existing = {c.item_id: c for c in db.session.scalars(select(GeneratedChoice).where(
                GeneratedChoice.teacher_id == current_user.id, GeneratedChoice.module_id == module.id))}
            for item in items:
                choice = existing.get(item.id)
                if choice is None:
                    db.session.add(GeneratedChoice(teacher_id=current_user.id, module_id=module.id, item_id=item.id,
                                                   kept=item.id in keep))
                else:
                    choice.kept = item.id in keep
        flash(f"Kept {len(keep)} generated question(s). Choose them for an assignment in its quiz settings.")
        return redirect(url_for("generated.preview", module_id=module.id))
    return render_template("teach/generated.html", module=module, items=items,
                           kept=kept_ids(current_user.id, module.id))
