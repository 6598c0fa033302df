"""Attacks on the quiz's answers, tried against the served app (gunicorn, shipped settings)."""
from __future__ import annotations

import re

from tests import factories as f
from tests.security.visitor import Visitor, start_attempt


def _student_with_attempt(server, name: str) -> tuple[Visitor, int]:
    ids = server.ids
    student = f.user(server.app, name)
    with server.app.app_context():
        from corroborate.web.extensions import db
        from corroborate.web.models import Enrollment
        db.session.add(Enrollment(classroom_id=ids["class_a"], student_id=student))
        db.session.commit()
    visitor = Visitor(server)
    visitor.sign_in(name)
    attempt_id, _ = start_attempt(visitor, ids["assignment_a"])
    return visitor, attempt_id


def deeply_nested_json_answer(server):
    """A 2 KB body nested 1,000 deep (RecursionError in the JSON parser) gets a 400 with a JSON reason, not a 500."""
    visitor, attempt_id = _student_with_attempt(server, "nested-json")
    body = '{"value": ' + "[" * 1000 + "]" * 1000 + ', "seq": 1}'
    response = visitor.send("PUT", f"/api/attempts/{attempt_id}/answers/q-single", page="/learn/", data=body,
                            headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.status_code
    assert response.json()["reason"]




def option_values_reveal_no_key(server):
    """The quiz page's option values are opaque and the attempt's own: neither the written ids (``a`` for the first
    option an author wrote, often the key) nor another student's. A written id sent back is refused."""
    first, attempt_id = _student_with_attempt(server, "opaque-ids-1")
    page = first.get(f"/learn/attempts/{attempt_id}").text
    values = re.findall(r'name="answer-q-single" value="([^"]+)"', page)
    multiple = re.findall(r'name="answer-q-multiple" value="([^"]+)"', page)
    assert len(values) == 2 and len(multiple) == 3
    assert not set(values + multiple) & set("abcdefgh"), values + multiple
    second, other_id = _student_with_attempt(server, "opaque-ids-2")
    others = re.findall(r'name="answer-q-single" value="([^"]+)"', second.get(f"/learn/attempts/{other_id}").text)
    assert not set(others) & set(values)
    refused = first.send("PUT", f"/api/attempts/{attempt_id}/answers/q-single", page="/learn/",
                         json={"value": "a", "seq": 1})
    assert refused.status_code == 400 and refused.json()["reason"]
    label = re.search(r'value="([^"]+)"> Rogovin</label>', page[page.index('name="answer-q-single"') - 200:])
    saved = first.send("PUT", f"/api/attempts/{attempt_id}/answers/q-single", page="/learn/",
                       json={"value": label.group(1), "seq": 2})
    assert saved.status_code == 200
    first.send("POST", f"/api/attempts/{attempt_id}/submit", page="/learn/")
    with server.app.app_context():
        from corroborate.web.extensions import db
        from corroborate.web.models import Response
        stored = db.session.query(Response).filter_by(attempt_id=attempt_id, item_id="q-single").one()
        assert stored.value == '"a"' and stored.score == 1.0          # graded in the written ids


SERVED = [deeply_nested_json_answer, option_values_reveal_no_key]
