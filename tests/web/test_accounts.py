"""Accounts: joining, signing up, signing in and out, sessions, passwords, rate limits, safe redirects."""
from __future__ import annotations

import pytest

from corroborate.web.access import safe_next
from corroborate.web import throttle
from tests import factories as f
from tests.conftest import csrf_token, login, post, sqlite_app


@pytest.fixture
def app(any_app):
    """These database-backed tests run on SQLite and on PostgreSQL."""
    return any_app


def test_student_joins_with_a_class_code_and_lands_on_the_dashboard(app, client):
    teacher = f.user(app, "teach", "teacher")
    code = f.join_code(app, f.classroom(app, teacher, "History 10B"))
    token = csrf_token(client, "/join")
    response = client.post("/join", data={"code": code.lower(), "name": "Ana Petrova", "username": "Ana",
                                          "password": "a long password", "confirm": "a long password",
                                          "csrf_token": token}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Welcome to History 10B!" in page and "Your assignments" in page


@pytest.mark.parametrize("change, message", [
    ({"code": "ZZZZZZ"}, "No open class has this code"),
    ({"username": "taken"}, "This username is taken"),
    ({"name": "x" * 101}, "Field cannot be longer than 100 characters"),
    ({"confirm": "something else"}, "The passwords differ."),
])
def test_join_errors_rerender_and_keep_what_was_typed(app, client, change, message):
    teacher = f.user(app, "teach", "teacher")
    f.user(app, "taken")
    code = f.join_code(app, f.classroom(app, teacher))
    data = {"code": code, "name": "Ana Petrova", "username": "ana-p", "password": "a long password",
            "confirm": "a long password", **change}
    data["csrf_token"] = csrf_token(client, "/join")
    response = client.post("/join", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and message in page
    kept = data["name"] if "name" not in change else data["username"]
    assert f'value="{kept}"' in page


def test_an_archived_class_code_is_refused(app, client):
    teacher = f.user(app, "teach", "teacher")
    code = f.join_code(app, f.classroom(app, teacher, archived=True))
    page = post(client, "/join", {"code": code, "name": "A", "username": "abc", "password": "12345678",
                                  "confirm": "12345678"}, page="/join").get_data(as_text=True)
    assert "No open class has this code" in page


def test_teacher_signs_up_once_with_an_invite(app, client):
    code = f.invite(app)
    data = {"invite": code, "name": "Ms Rivera", "username": "rivera", "password": "a long password",
            "confirm": "a long password"}
    response = post(client, "/signup", data, page="/signup", follow_redirects=True)
    assert "Your classes" in response.get_data(as_text=True)
    other = app.test_client()
    again = post(other, "/signup", {**data, "username": "rivera2"}, page="/signup")
    assert "not valid or has been used" in again.get_data(as_text=True)


def test_wrong_password_is_one_generic_message(app, client):
    f.user(app, "ana")
    page = login(client, "ana", "wrong").get_data(as_text=True)
    assert "That username and password do not match." in page and 'value="ana"' in page
    page = login(client, "nobody", "wrong").get_data(as_text=True)
    assert "That username and password do not match." in page


def test_logout_invalidates_the_session_cookie(app, client):
    f.user(app, "ana")
    login(client, "ana", f.PASSWORD)
    cookie = client.get_cookie("session").value
    assert client.get("/learn/").status_code == 200
    post(client, "/logout", page="/learn/")
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    assert replay.get("/learn/").status_code == 302      # the old cookie no longer signs anyone in


def test_password_reset_ends_the_students_other_sessions(app, client):
    ids = f.world(app)
    student = app.test_client()
    login(student, "student-a", f.PASSWORD)
    assert student.get("/learn/").status_code == 200
    login(client, "teacher-a", f.PASSWORD)
    page = post(client, f"/teach/classes/{ids['class_a']}/students/{ids['student_a']}/reset",
                page=f"/teach/classes/{ids['class_a']}").get_data(as_text=True)
    assert "New password for" in page
    assert student.get("/learn/").status_code == 302
    import re
    password = re.search(r'class="code big">([^<]+)<', page)[1]
    fresh = app.test_client()
    response = login(fresh, "student-a", password)
    assert response.headers["Location"].endswith("/account/password")   # must choose a new password first


def test_a_student_given_a_new_password_chooses_their_own_and_signs_in_with_it(app, client):
    ids = f.world(app)
    teacher = app.test_client()
    login(teacher, "teacher-a", f.PASSWORD)
    page = post(teacher, f"/teach/classes/{ids['class_a']}/students/{ids['student_a']}/reset",
                page=f"/teach/classes/{ids['class_a']}").get_data(as_text=True)
    import re
    slip = re.search(r'class="code big">([^<]+)<', page)[1]
    login(client, "student-a", slip)
    form = client.get("/account/password").get_data(as_text=True)
    assert "Choose your password" in form and 'name="current"' not in form   # the slip is not asked for again
    response = post(client, "/account/password", {"password": "my own long password",
                                                  "confirm": "my own long password"}, page="/account/password")
    assert response.status_code == 302 and response.headers["Location"].endswith("/learn/")
    assert client.get("/learn/").status_code == 200                        # this browser stays signed in
    assert login(app.test_client(), "student-a", slip).status_code == 200   # the slip no longer works
    fresh = app.test_client()
    assert login(fresh, "student-a", "my own long password").headers["Location"].endswith("/learn/")


def test_changing_a_password_asks_for_the_current_one_and_keeps_what_was_typed_on_an_error(app, client):
    f.world(app)
    other_device = app.test_client()
    login(other_device, "student-a", f.PASSWORD)
    login(client, "student-a", f.PASSWORD)
    wrong = post(client, "/account/password", {"current": "not it", "password": "a new long password",
                                               "confirm": "a new long password"}, page="/account/password")
    assert wrong.status_code == 200 and "That is not your current password." in wrong.get_data(as_text=True)
    assert login(app.test_client(), "student-a", f.PASSWORD).status_code == 302   # nothing changed
    done = post(client, "/account/password", {"current": f.PASSWORD, "password": "a new long password",
                                              "confirm": "a new long password"}, page="/account/password")
    assert done.status_code == 302
    assert other_device.get("/learn/").status_code == 302                  # signed out elsewhere
    assert client.get("/learn/").status_code == 200
    assert login(app.test_client(), "student-a", "a new long password").status_code == 302


def test_session_fixation_a_new_session_at_login(app, client):
    f.user(app, "ana")
    client.get("/login")
    before = client.get_cookie("session").value
    login(client, "ana", f.PASSWORD)
    assert client.get_cookie("session").value != before


def test_session_cookie_flags(app, client):
    f.user(app, "ana")
    response = login(client, "ana", f.PASSWORD)
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Expires=" in header
    secure = client.get("/login", base_url="https://localhost")
    header = next((h for h in secure.headers.getlist("Set-Cookie") if h.startswith("session=")), "Secure")
    assert "Secure" in header


@pytest.mark.parametrize("target, expected", [
    ("/learn/", "/learn/"), ("/modules/kirov?x=1", "/modules/kirov?x=1"),
    ("//evil.example", "/home"), ("/\\evil.example", "/home"), ("///evil.example", "/home"),
    ("https://evil.example", "/home"), ("javascript:alert(1)", "/home"), ("", "/home"), ("/\tx", "/home"),
])
def test_next_redirects_are_validated(target, expected):
    assert safe_next(target, "/home") == expected


def test_login_follows_a_safe_next_and_ignores_an_unsafe_one(app, client):
    f.user(app, "ana")
    token = csrf_token(client, "/login")
    response = client.post("/login?next=//evil.example/x", data={"username": "ana", "password": f.PASSWORD,
                                                                 "csrf_token": token})
    assert response.headers["Location"] == "/learn/"


def test_forms_without_csrf_are_refused(app, client):
    f.user(app, "ana")
    assert client.post("/login", data={"username": "ana", "password": f.PASSWORD}).status_code == 400


def test_a_whole_class_behind_one_address_can_sign_in_but_not_a_flood(tmp_path, corpus, corpus_cache,
                                                                      sqlite_template):
    app = sqlite_app(tmp_path, corpus, corpus_cache, sqlite_template, RATELIMIT_ENABLED=True)
    codes = []
    for index in range(61):        # sixty-one students of one school, one address, one attempt each
        client = app.test_client()
        token = csrf_token(client, "/login")
        codes.append(client.post("/login", data={"username": f"student{index}", "password": "x",
                                                 "csrf_token": token}).status_code)
    assert codes[:60] == [200] * 60 and codes[60] == 429


def test_login_wait_is_per_account_too(tmp_path, corpus, corpus_cache, sqlite_template):
    app = sqlite_app(tmp_path, corpus, corpus_cache, sqlite_template, RATELIMIT_ENABLED=True)
    f.user(app, "ana")
    codes = []
    for index in range(throttle.FROM_ANYWHERE + 1):   # as many addresses, one account
        client = app.test_client()
        token = csrf_token(client, "/login")
        codes.append(client.post("/login", data={"username": "ana", "password": "wrong", "csrf_token": token},
                                 environ_base={"REMOTE_ADDR": f"10.0.0.{index}"}).status_code)
    assert codes[-1] == 429
