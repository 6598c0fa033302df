"""Role and ownership on every teacher and student route: 403 or 404, never data."""
from __future__ import annotations

import pytest

from tests import factories as f
from tests.conftest import csrf_token, login

TEACHER_ROUTES = [
    ("GET", "/teach/"), ("GET", "/teach/classes/new"), ("POST", "/teach/classes/new"),
    ("GET", "/teach/classes/{class_a}"), ("GET", "/teach/classes/{class_a}/rename"),
    ("POST", "/teach/classes/{class_a}/rename"), ("POST", "/teach/classes/{class_a}/archive"),
    ("POST", "/teach/classes/{class_a}/roster"), ("POST", "/teach/classes/{class_a}/roster/confirm"),
    ("GET", "/teach/classes/{class_a}/assign"),
    ("POST", "/teach/classes/{class_a}/assign"), ("GET", "/teach/assignments/{assignment_a}/edit"),
    ("POST", "/teach/assignments/{assignment_a}/edit"),
    ("POST", "/teach/classes/{class_a}/students/{student_a}/reset"),
    ("POST", "/teach/classes/{class_a}/students/{student_a}/clear-wait"),
    ("POST", "/teach/classes/{class_a}/students/{student_a}/remove"),
]
OWNED = [r for r in TEACHER_ROUTES if "{" in r[1]]
STUDENT_ROUTES = [("GET", "/learn/"), ("POST", "/learn/join"), ("GET", "/learn/assignments/{assignment_a}"),
                  ("POST", "/learn/assignments/{assignment_a}/start")]
CLASS_A_ONLY = [r for r in STUDENT_ROUTES if "{" in r[1]]


@pytest.fixture
def app(any_app):
    """These database-backed tests run on SQLite and on PostgreSQL."""
    return any_app


def call(client, method, url, token=None):
    data = {"csrf_token": token} if token else {}
    return client.get(url) if method == "GET" else client.post(url, data=data)


@pytest.fixture
def ids(app):
    return f.world(app)


def signed_in(app, username):
    client = app.test_client()
    login(client, username, f.PASSWORD)
    return client, csrf_token(client, "/sources")


@pytest.mark.parametrize("method, url", TEACHER_ROUTES + STUDENT_ROUTES)
def test_anonymous_visitors_are_sent_to_sign_in(app, ids, method, url):
    response = call(app.test_client(), method, url.format(**ids))
    assert response.status_code in (302, 400)
    if response.status_code == 302:
        assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("method, url", TEACHER_ROUTES)
def test_a_student_cannot_reach_teacher_pages(app, ids, method, url):
    client, token = signed_in(app, "student-a")
    response = call(client, method, url.format(**ids), token)
    assert response.status_code == 403
    assert "Class A" not in response.get_data(as_text=True)


@pytest.mark.parametrize("method, url", OWNED)
def test_a_teacher_cannot_see_another_teachers_class(app, ids, method, url):
    client, token = signed_in(app, "teacher-b")
    response = call(client, method, url.format(**ids), token)
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "student-a" not in page and "Class A" not in page


@pytest.mark.parametrize("method, url", STUDENT_ROUTES)
def test_a_teacher_cannot_use_student_pages(app, ids, method, url):
    client, token = signed_in(app, "teacher-a")
    assert call(client, method, url.format(**ids), token).status_code == 403


@pytest.mark.parametrize("method, url", CLASS_A_ONLY)
def test_a_student_cannot_see_another_class_assignments(app, ids, method, url):
    client, token = signed_in(app, "student-b")
    response = call(client, method, url.format(**ids), token)
    assert response.status_code == 404


def test_the_owner_reaches_every_page(app, ids):
    client, token = signed_in(app, "teacher-a")
    for method, url in TEACHER_ROUTES:
        if method == "GET":
            assert client.get(url.format(**ids)).status_code == 200, url
