"""Quiz exports for teachers: the module's items (with the generated ones the teacher kept) as GIFT, Moodle XML,
a Canvas QTI 1.2 zip or CSV."""
from __future__ import annotations

from flask import Blueprint, Response, abort
from flask_login import current_user

from ..quiz.export import EXPORTERS, FILE_SUFFIX, MIMETYPE
from .access import kept_items, role_required
from .downloads import attachment
from .state import corpus, module_or_404

bp = Blueprint("exports", __name__, url_prefix="/teach")


@bp.get("/modules/<module_id>/export/<fmt>")
@role_required("teacher")
def export(module_id: str, fmt: str):
    module = module_or_404(module_id)
    if fmt not in EXPORTERS:
        abort(404, f"Unknown format {fmt!r}; use one of {', '.join(EXPORTERS)}.")
    items = list(module.items) + kept_items(current_user.id, module)
    data = EXPORTERS[fmt](module, items, {s.id: s for s in corpus().sources})
    return Response(data, mimetype=MIMETYPE[fmt], headers={
        "Content-Disposition": attachment(f"{module.id}{FILE_SUFFIX[fmt]}"), "Cache-Control": "no-store"})
