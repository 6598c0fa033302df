"""Accounts: joining, signing up, signing in and out, sessions, passwords, rate limits, safe redirects."""
from __future__ import annotations

import re

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
    assert "Which time zone is your school in?" in response.get_data(as_text=True)     # the first teacher: see
    assert "Your classes" in client.get("/teach/").get_data(as_text=True)             # test_time_zones.py
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


# --- one-time passwords are one-time -------------------------------------------------------------------------------

def slip_student(app, username="slip"):
    """A roster student: signs in with the password on their slip, which must be replaced."""
    return f.user(app, username, must_change_password=True)


def test_a_one_time_password_reaches_no_page_but_the_password_page(app, client):
    teacher = f.user(app, "teach", "teacher")
    student = slip_student(app)
    f.classroom(app, teacher, "History 10B", (student,))
    assert login(client, "slip", f.PASSWORD).headers["Location"].endswith("/account/password")
    for path in ("/learn/", "/account", "/modules/sample", "/sources"):
        skipped = client.get(path)
        assert skipped.status_code == 302 and "/account/password" in skipped.headers["Location"], path
    api = client.get("/api/attempts/1")
    assert api.status_code == 403 and api.json["error"] == "password change required"
    assert client.get("/account/password").status_code == 200
    assert client.get("/").status_code == 302


def test_once_the_student_chose_their_own_the_slip_password_is_refused(app, client):
    slip_student(app)
    login(client, "slip", f.PASSWORD)
    done = post(client, "/account/password?next=/learn/", {"password": "my own password", "confirm": "my own password"},
                page="/account/password")
    assert done.headers["Location"].endswith("/learn/")
    assert client.get("/learn/").status_code == 200
    again = app.test_client()
    assert "That username and password do not match." in login(again, "slip", f.PASSWORD).get_data(as_text=True)
    assert login(again, "slip", "my own password").headers["Location"].endswith("/learn/")


def test_signing_in_again_with_the_slip_still_asks_for_a_new_password(app, client):
    slip_student(app)
    login(client, "slip", f.PASSWORD)
    client.get("/learn/")                                  # skipped the page: gets it back
    later = app.test_client()
    assert login(later, "slip", f.PASSWORD).headers["Location"].endswith("/account/password")
    assert later.get("/learn/").headers["Location"].startswith("/account/password")


def test_the_demo_accounts_must_choose_their_passwords(tmp_path, corpus, corpus_cache, sqlite_template):
    app = sqlite_app(tmp_path, corpus, corpus_cache, sqlite_template)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0 and "each person is asked to choose their own at first sign-in" in result.output
    passwords = dict(re.findall(r"^\s+(?:teacher|student)\s+(\S+)\s+(\S+)\s*$", result.output, re.M))
    for username in ("teacher", "ana"):
        client = app.test_client()
        assert login(client, username, passwords[username]).headers["Location"].endswith("/account/password")
        assert client.get("/teach/" if username == "teacher" else "/learn/").status_code == 302


# --- a teacher's way back in, and their account page -----------------------------------------------------------------

def test_an_admin_resets_a_forgotten_teacher_password_from_the_command_line(app, client, runner):
    f.user(app, "rivera", "teacher")
    login(client, "rivera", f.PASSWORD)
    result = runner.invoke(args=["users", "reset-password", "Rivera"])
    assert result.exit_code == 0, result.output
    password = re.search(r"one-time password (\S+)", result.output)[1]
    assert client.get("/teach/").status_code == 302                          # signed out everywhere
    fresh = app.test_client()
    assert "do not match" in login(fresh, "rivera", f.PASSWORD).get_data(as_text=True)
    assert login(fresh, "rivera", password).headers["Location"].endswith("/account/password")
    missing = runner.invoke(args=["users", "reset-password", "nobody"])
    assert missing.exit_code == 1 and "no account is called 'nobody'" in missing.output


def test_the_sign_in_page_says_how_to_get_back_in_without_email(app, client):
    page = client.get("/login").get_data(as_text=True)
    assert "This site sends no email" in page and "flask users reset-password" in page


def test_the_account_page_is_linked_from_the_header_and_renames_a_teacher(app, client):
    f.user(app, "rivera", "teacher", name="Ms Rivera")
    login(client, "rivera", f.PASSWORD)
    page = client.get("/teach/").get_data(as_text=True)
    assert '<a href="/account">Account</a>' in page
    account = client.get("/account").get_data(as_text=True)
    assert 'value="Ms Rivera"' in account and "Change your password" in account and "You sign in as" in account
    post(client, "/account", {"name": "Dr Rivera", "time_zone": ""}, page="/account")
    assert 'value="Dr Rivera"' in client.get("/account").get_data(as_text=True)
    empty = post(client, "/account", {"name": "", "time_zone": ""}, page="/account").get_data(as_text=True)
    assert "This field is required." in empty and "autofocus" in empty


def test_a_student_sees_their_account_but_cannot_rename_themself(app, client):
    f.user(app, "ana", name="Ana Petrova")
    login(client, "ana", f.PASSWORD)
    page = client.get("/account").get_data(as_text=True)
    assert "Ana Petrova" in page and "ask your teacher" in page and 'name="name"' not in page
    post(client, "/account", {"name": "Someone Else"}, page="/account")
    with app.app_context():
        from corroborate.web.models import find_user
        assert find_user("ana").name == "Ana Petrova"


# --- forms keep what was typed, say what they cleared, and put the cursor on the first error ---------------------------

def test_a_form_with_errors_names_the_cleared_password_fields_and_focuses_the_first_error(app, client):
    teacher = f.user(app, "teach", "teacher")
    code = f.join_code(app, f.classroom(app, teacher))
    page = post(client, "/join", {"code": code, "name": "", "username": "ana-p", "password": "a long password",
                                  "confirm": "other password"}, page="/join").get_data(as_text=True)
    assert "nothing you typed was lost" not in page
    assert "Everything you typed is kept except “Password” and “Repeat the password”" in page
    assert 'value="ana-p"' in page and 'value="a long password"' not in page
    first_error = re.search(r"<(?:input|select)[^>]*autofocus[^>]*>", page)[0]
    assert 'id="name"' in first_error                                   # the first field with an error, in order
    assert page.count("autofocus") == 2                                 # name and confirm; the browser takes the first


def test_the_join_hint_describes_codes_as_they_are(app, client):
    page = client.get("/join").get_data(as_text=True)
    assert "six-letter" not in page and "six letters and digits" in page


def test_the_account_pages_need_a_sign_in_and_the_school_zone_a_teacher(app, client):
    assert "/login" in client.get("/account").headers["Location"]
    assert "/login" in client.get("/account/school-time-zone").headers["Location"]
    f.user(app, "ana")
    login(client, "ana", f.PASSWORD)
    assert client.get("/account/school-time-zone").status_code == 403
    assert post(client, "/account/school-time-zone", {"zone": "Asia/Tokyo"}, page="/account").status_code == 403
