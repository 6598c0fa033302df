"""JSON endpoints for the quiz page. Errors are JSON with a reason; every call checks that the attempt is yours."""
from __future__ import annotations

import json

from flask import Blueprint, jsonify, request, url_for

from . import attempts as engine
from .auth import role_required
from .database import reads_first
from .learn import own_attempt, own_attempt_terms

bp = Blueprint("api", __name__, url_prefix="/api")


def _refused(refused: engine.AttemptRefused):
    return jsonify(error="refused", reason=refused.reason), refused.status


@bp.put("/attempts/<int:attempt_id>/answers/<item_id>")
@reads_first
@role_required("student")
def save_answer(attempt_id: int, item_id: str):
    attempt = own_attempt_terms(attempt_id)
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or "value" not in body or not isinstance(body.get("seq"), int):
        return jsonify(error="bad request", reason="Send JSON with 'value' and an integer 'seq'."), 400
    try:
        saved = engine.save(attempt, item_id, body["value"], body["seq"])
    except engine.AttemptRefused as refused:
        return _refused(refused)
    return jsonify(saved=True, item=saved.item_id, seq=saved.seq, stale=saved.stale)


@bp.get("/attempts/<int:attempt_id>")
@role_required("student")
def state(attempt_id: int):
    attempt = own_attempt(attempt_id)
    return jsonify(attempt=attempt.id, submitted=attempt.submitted, deadline=attempt.deadline.isoformat() + "Z",
                   answers={r.item_id: {"value": json.loads(r.value), "seq": r.seq} for r in attempt.responses})


@bp.post("/attempts/<int:attempt_id>/submit")
@reads_first
@role_required("student")
def submit(attempt_id: int):
    attempt = own_attempt_terms(attempt_id)
    engine.submit(attempt)
    return jsonify(submitted=True, review=url_for("learn.review", attempt_id=attempt.id))
