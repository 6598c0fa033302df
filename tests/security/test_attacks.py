"""One row per attack. Each row passes only if the attack is blocked; the run reports attacks tried and blocked."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pypdf
import pytest

from corroborate.handouts.pdf import render_pdf
from corroborate.web.extensions import db
from corroborate.web.models import Response
from tests import factories as f
from tests.conftest import csrf_token, login, sqlite_app
from tests.security import (attacks_answers, attacks_downloads, attacks_handouts, attacks_pagecache,
                            attacks_sign_in)
from tests.web.test_quiz_engine import put, start, student_client, submit


def signed_in(app, username):
    client = app.test_client()
    login(client, username, f.PASSWORD)
    return client


def xss_in_curriculum_markdown(app, ids):
    page = app.test_client().get("/modules/sample").get_data(as_text=True)
    compare = app.test_client().get("/modules/sample/exercises/compare-davies").get_data(as_text=True)
    for html in (page, compare):
        assert "<script>alert(1)</script>" not in html and "onerror" not in html and "file:///etc/passwd" not in html


def xss_in_student_essay_shown_to_teacher(app, ids):
    client, token = student_client(app)
    attempt_id = start(app, client, token, ids["assignment_a"])
    payload = '<img src=x onerror="alert(document.cookie)"><script>alert(1)</script>'
    put(client, token, attempt_id, "q-essay", payload, 1)
    submit(client, token, attempt_id)
    teacher = signed_in(app, "teacher-a")
    for url in ("/teach/grading", f"/teach/attempts/{attempt_id}"):
        html = teacher.get(url).get_data(as_text=True)
        assert "&lt;img src=x onerror=" in html and "<img src=x" not in html and "<script>alert(1)" not in html


def csrf_on_every_post(app, ids):
    """Every POST and PUT route of the app refuses a request without a CSRF token, for a signed-in user."""
    teacher, student = signed_in(app, "teacher-a"), signed_in(app, "student-a")
    values = {"class_id": ids["class_a"], "assignment_id": ids["assignment_a"], "student_id": ids["student_a"],
              "attempt_id": 1, "response_id": 1, "module_id": "sample", "item_id": "q-single"}
    checked = 0
    for rule in app.url_map.iter_rules():
        for method in rule.methods & {"POST", "PUT"}:
            url = rule.rule
            for name, value in values.items():
                url = url.replace(f"<int:{name}>", str(value)).replace(f"<{name}>", str(value))
            for client in (teacher, student):
                response = client.open(url, method=method, data={"x": "1"})
                assert response.status_code == 400, (method, url, response.status_code)
                assert b"CSRF" in response.data or b"csrf" in response.data.lower()
            checked += 1
    assert checked >= 15


def idor_on_attempts_classes_assignments_and_grading(app, ids):
    client, token = student_client(app)
    attempt_id = start(app, client, token, ids["assignment_a"])
    put(client, token, attempt_id, "q-essay", "mine", 1)
    submit(client, token, attempt_id)
    with app.app_context():
        response_id = db.session.query(Response).filter_by(attempt_id=attempt_id, item_id="q-essay").one().id
    other_teacher = signed_in(app, "teacher-b")
    token_b = csrf_token(other_teacher, "/teach/")
    for url in (f"/teach/attempts/{attempt_id}", f"/teach/classes/{ids['class_a']}",
                f"/teach/classes/{ids['class_a']}/gradebook", f"/teach/classes/{ids['class_a']}/gradebook.csv",
                f"/teach/assignments/{ids['assignment_a']}/results",
                f"/teach/assignments/{ids['assignment_a']}/class-set.pdf"):
        assert other_teacher.get(url).status_code == 404, url
    graded = other_teacher.post(f"/teach/responses/{response_id}/grade", data={"level": "proficient",
                                                                               "csrf_token": token_b})
    assert graded.status_code == 404
    with app.app_context():
        assert db.session.get(Response, response_id).score is None
    classmate, classmate_token = student_client(app, "student-a2")
    assert classmate.get(f"/learn/attempts/{attempt_id}/review").status_code == 404
    assert classmate.get(f"/api/attempts/{attempt_id}").status_code == 404
    outsider, _ = student_client(app, "student-b")
    assert outsider.get(f"/learn/assignments/{ids['assignment_a']}").status_code == 404


def open_redirects(app, ids):
    for target in ("//evil.example/x", "/\\evil.example", "///evil.example", "https://evil.example",
                   "javascript:alert(1)", "/%2F%2Fevil.example", "\t//evil.example"):
        client = app.test_client()
        token = csrf_token(client, "/login")
        response = client.post(f"/login?next={target}", data={"username": "student-a", "password": f.PASSWORD,
                                                             "csrf_token": token})
        location = response.headers["Location"]
        assert location.startswith("/") and not location.startswith(("//", "/\\")) and "evil" not in location, target


def answer_keys_before_review(app, ids):
    teacher = f.user(app, "t-review", "teacher")
    student = f.user(app, "s-review")
    class_id = f.classroom(app, teacher, students=(student,))
    assignment_id = f.assignment(app, class_id, review_policy="never")
    client, token = student_client(app, "s-review")
    attempt_id = start(app, client, token, assignment_id)
    seen = client.get(f"/learn/attempts/{attempt_id}").get_data(as_text=True)
    seen += json.dumps(client.get(f"/api/attempts/{attempt_id}").get_json())
    submit(client, token, attempt_id)
    seen += client.get(f"/learn/attempts/{attempt_id}/review").get_data(as_text=True)
    seen += client.get(f"/learn/assignments/{assignment_id}").get_data(as_text=True)
    for secret in ("correct", "Davies is the one judged", "eight hundred forty-three", "Zinovievists", "Answer:",
                   "Rogovin writes decades later"):
        assert secret not in seen, secret
    assert client.get("/modules/sample/handout.pdf?edition=teacher").status_code == 403


def login_brute_force(app, ids):
    folder = Path(app.instance_path).parent / "limited"
    folder.mkdir()
    limited = sqlite_app(folder, app.extensions["corroborate.corpus"], Path(app.config["CACHE_DIR"]),
                         Path(app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")),
                         RATELIMIT_ENABLED=True)
    client = limited.test_client()
    token = csrf_token(client, "/login")
    codes = [client.post("/login", data={"username": "student-a", "password": f"guess{n}", "csrf_token": token})
             .status_code for n in range(15)]
    assert 429 in codes and codes.index(429) <= 10


def weasyprint_file_access_and_ssrf(app, ids):
    pdf = render_pdf('<link rel="attachment" href="file:///etc/hostname"><img src="file:///etc/passwd">'
                     '<img src="http://169.254.169.254/latest/meta-data/"><link rel="stylesheet" '
                     'href="file:///etc/passwd"><p>ok</p>')
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert not reader.attachments and b"root:x:0:0" not in pdf
    assert "ok" in reader.pages[0].extract_text()


def oversize_bodies(app, ids):
    client, token = student_client(app)
    attempt_id = start(app, client, token, ids["assignment_a"])
    huge = {"value": "x" * (2 * 1024 * 1024), "seq": 1}
    response = client.put(f"/api/attempts/{attempt_id}/answers/q-essay", json=huge, headers={"X-CSRFToken": token})
    assert response.status_code == 413
    assert response.get_json()["reason"]
    teacher = signed_in(app, "teacher-a")
    body = b"--x\r\nContent-Disposition: form-data; name=\"roster\"; filename=\"big.csv\"\r\n\r\n" + \
        b"a,b\n" * 400_000 + b"\r\n--x--\r\n"
    roster = teacher.post(f"/teach/classes/{ids['class_a']}/roster", data=body,
                          content_type="multipart/form-data; boundary=x")
    assert roster.status_code == 413


def sql_injection_through_search(app, ids):
    corpus = app.extensions["corroborate.corpus"]
    before = corpus.stats()["passages"]
    client = app.test_client()
    for query in ("' OR 1=1 --", '"; DROP TABLE passages; --', "Kirov' UNION SELECT sql FROM sqlite_master --",
                  'text:"x" OR passages MATCH *', "NEAR(Bukharin confess, 2)", ")))", "\"unterminated",
                  "Kirov AND NOT", "-- ;"):
        response = client.get("/search", query_string={"q": query, "source": "x' OR '1'='1"})
        assert response.status_code == 200
        assert "CREATE TABLE" not in response.get_data(as_text=True)
    assert corpus.stats()["passages"] == before


def session_fixation_at_login(app, ids):
    client = app.test_client()
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "attacker"
    before = client.get_cookie("session").value
    login(client, "student-a", f.PASSWORD)
    with client.session_transaction() as session:
        assert "planted" not in session
    assert client.get_cookie("session").value != before


ATTACKS = [xss_in_curriculum_markdown, xss_in_student_essay_shown_to_teacher, csrf_on_every_post,
           idor_on_attempts_classes_assignments_and_grading, open_redirects, answer_keys_before_review,
           login_brute_force, weasyprint_file_access_and_ssrf, oversize_bodies, sql_injection_through_search,
           session_fixation_at_login]


# Tried against gunicorn with the shipped settings (gunicorn.conf.py: 4 workers), each row as ``attack(server)``.
SERVED_ATTACKS = [*attacks_sign_in.SERVED, *attacks_answers.SERVED, *attacks_downloads.SERVED,
                  *attacks_pagecache.SERVED, *attacks_handouts.SERVED]


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.__name__ for a in ATTACKS])
def test_attack(app, attack):
    attack(app, f.world(app))


@pytest.mark.parametrize("attack", SERVED_ATTACKS, ids=[a.__name__ for a in SERVED_ATTACKS])
def test_attack_on_the_served_app(served, attack):
    attack(served)


def test_the_tally_counts_every_attack():
    rows = ATTACKS + SERVED_ATTACKS
    assert len(ATTACKS) == 11 and len(SERVED_ATTACKS) == 9
    assert len({a.__name__ for a in rows}) == len(rows) and all(re.match(r"^[a-z_0-9]+$", a.__name__) for a in rows)
