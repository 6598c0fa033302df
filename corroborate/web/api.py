"""JSON endpoints for the quiz page. Errors are JSON with a reason; every call checks that the attempt is yours."""
from __future__ import annotations

import json

from flask import Blueprint, jsonify, request, url_for

from ..quiz.present import shown_answer
from . import attempts as engine
from .access import own_attempt, role_required

bp = Blueprint("api", __name__, url_prefix="/api")


def _refused(refused: engine.AttemptRefused):
    return jsonify(error="refused", reason=refused.reason), refused.status


def _json_body() -> object:
    """The request's JSON, or None when it is not JSON at all: malformed, not UTF-8, or nested too deep for the
    parser (a RecursionError, which ``get_json(silent=True)`` lets through)."""
    try:
        return json.loads(request.get_data())
    except (ValueError, RecursionError):
        return None


@bp.put("/attempts/<int:attempt_id>/answers/<item_id>")
@role_required("student")
def save_answer(attempt_id: int, item_id: str):
    attempt = own_attempt(attempt_id)
    body = _json_body()
    if not isinstance(body, dict) or "value" not in body or type(body.get("seq")) is not int \
            or not 0 <= body["seq"] < 2**53:
        return jsonify(error="bad request", reason="Send JSON with 'value' and an integer 'seq' from 0."), 400
    try:
        saved = engine.save(attempt, item_id, body["value"], body["seq"])
    except engine.AttemptRefused as refused:
        return _refused(refused)
    return jsonify(saved=True, item=saved.item_id, seq=saved.seq, stale=saved.stale)


@bp.get("/attempts/<int:attempt_id>")
@role_required("student")
def state(attempt_id: int):
    attempt = own_attempt(attempt_id)
    layout = json.loads(attempt.layout)
    return jsonify(attempt=attempt.id, submitted=attempt.submitted, deadline=attempt.deadline.isoformat() + "Z",
                   answers={r.item_id: {"value": shown_answer(r.item_id, layout, json.loads(r.value)), "seq": r.seq}
                            for r in attempt.responses})


@bp.post("/attempts/<int:attempt_id>/submit")
@role_required("student")
def submit(attempt_id: int):
    attempt = own_attempt(attempt_id)
    engine.submit(attempt)
    return jsonify(submitted=True, review=url_for("learn.review", attempt_id=attempt.id))
