"""Times: stored in UTC, typed and shown in the school's (or the teacher's own) zone and always labelled with it; the
first teacher chooses the school's zone when the install names none; migration 0003 keeps a 0002 database's times."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from flask_migrate import upgrade
from sqlalchemy import select, text

from corroborate.web import clock
from corroborate.web.extensions import db
from corroborate.web.models import Assignment, Setting, User, utcnow
from corroborate.web.passwords import hash_password
from tests import factories as f
from tests.conftest import MIGRATIONS, build_app, login, post, sqlite_app

NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def app(tmp_path, corpus, corpus_cache, sqlite_template):
    """An install whose settings name New York as the school's zone."""
    made = sqlite_app(tmp_path, corpus, corpus_cache, sqlite_template, CORROBORATE_TIMEZONE="America/New_York")
    yield made
    with made.app_context():
        db.engine.dispose()


@pytest.fixture
def unset_app(tmp_path, corpus, corpus_cache, sqlite_template):
    """An install whose settings name no zone."""
    made = sqlite_app(tmp_path, corpus, corpus_cache, sqlite_template, CORROBORATE_TIMEZONE="")
    yield made
    with made.app_context():
        db.engine.dispose()


def signed_in(app, username):
    client = app.test_client()
    login(client, username, f.PASSWORD)
    return client


def test_a_new_york_evening_is_the_next_utc_morning_and_back(app):
    with app.test_request_context():
        typed = datetime(2026, 12, 4, 19, 29)
        stored = clock.from_local(typed, NEW_YORK)
        assert stored == datetime(2026, 12, 5, 0, 29)                   # naive UTC, as every stored time
        assert clock.local_form_value(stored, NEW_YORK) == typed
        summer = clock.from_local(datetime(2026, 7, 3, 15, 30), NEW_YORK)
        assert summer == datetime(2026, 7, 3, 19, 30)                   # daylight saving time: four hours, not five
        assert clock.local_time(stored) == "Fri 4 Dec, 19:29 (New York)"
        assert clock.local_time(stored, "long") == "Friday 4 December, 19:29 (New York)"
        assert clock.local_time(stored, "date") == "4 Dec"


def test_the_default_opening_is_now_and_due_the_end_of_the_school_day_a_week_ahead(app):
    with app.test_request_context():
        evening = datetime(2026, 12, 5, 0, 29)                          # 19:29 on Friday 4 December in New York
        opens, due = clock.default_times(NEW_YORK, evening)
        assert opens == datetime(2026, 12, 4, 19, 29)
        assert due == datetime(2026, 12, 11, 15, 30)
    app.config["SCHOOL_DAY_ENDS"] = "14:45"
    with app.test_request_context():
        assert clock.default_times(NEW_YORK, evening)[1] == datetime(2026, 12, 11, 14, 45)


def test_a_quiz_set_at_the_weekend_is_due_on_the_monday_after_a_week(app):
    with app.test_request_context():
        saturday = datetime(2026, 12, 5, 15, 0)                         # 10:00 on Saturday 5 December in New York
        sunday = datetime(2026, 12, 6, 22, 0)                           # 17:00 on Sunday 6 December
        assert clock.default_times(NEW_YORK, saturday)[1] == datetime(2026, 12, 14, 15, 30)
        assert clock.default_times(NEW_YORK, sunday)[1] == datetime(2026, 12, 14, 15, 30)
        assert clock.default_times(NEW_YORK, datetime(2026, 12, 7, 15, 0))[1] == datetime(2026, 12, 14, 15, 30)


def test_the_assign_form_opens_now_in_new_york_and_students_can_start_at_once(app):
    ids = f.world(app)
    teacher = signed_in(app, "teacher-a")
    page = teacher.get(f"/teach/classes/{ids['class_a']}/assign").get_data(as_text=True)
    assert "Opens (New York time)" in page and "Due (New York time)" in page
    now = datetime.now(NEW_YORK).replace(tzinfo=None)
    opens = datetime.fromisoformat(re.search(r'id="open_at"[^>]*value="([^"]+)"', page)[1])
    due = datetime.fromisoformat(re.search(r'id="due_at"[^>]*value="([^"]+)"', page)[1])
    assert abs(opens - now) < timedelta(minutes=2)                     # not five hours ahead (UTC shown as local)
    week_ahead = opens.date() + timedelta(days=7)
    while week_ahead.weekday() >= 5:                                     # set at the weekend: due the Monday after
        week_ahead += timedelta(days=1)
    assert due == datetime.combine(week_ahead, datetime.min.time()).replace(hour=15, minute=30)
    form = {"module_id": "sample", "open_at": f"{opens:%Y-%m-%dT%H:%M}", "due_at": f"{due:%Y-%m-%dT%H:%M}",
            "attempts_allowed": "1", "grading_method": "highest", "review_policy": "after_due"}
    response = post(teacher, f"/teach/classes/{ids['class_a']}/assign", form,
                    page=f"/teach/classes/{ids['class_a']}/assign", follow_redirects=True)
    assert f"from the opening time, {opens:%a} {opens.day} {opens:%b}, {opens:%H:%M} (New York)" in \
        response.get_data(as_text=True)
    with app.app_context():
        made = db.session.scalars(select(Assignment).order_by(Assignment.id.desc())).first()
        assert made.is_open()                                           # stored in UTC: open now
        made_id = made.id
    student = signed_in(app, "student-a")
    page = student.get(f"/learn/assignments/{made_id}").get_data(as_text=True)
    assert "opens on" not in page and re.search(r"Start", page)


def test_typed_times_are_stored_in_utc_and_shown_back_labelled(app):
    ids = f.world(app)
    teacher = signed_in(app, "teacher-a")
    form = {"module_id": "sample", "open_at": "2030-01-10T09:00", "due_at": "2030-01-17T15:30",
            "attempts_allowed": "1", "grading_method": "highest", "review_policy": "after_due"}
    post(teacher, f"/teach/classes/{ids['class_a']}/assign", form, page=f"/teach/classes/{ids['class_a']}/assign")
    with app.app_context():
        made = db.session.scalars(select(Assignment).order_by(Assignment.id.desc())).first()
        assert (made.open_at, made.due_at) == (datetime(2030, 1, 10, 14, 0), datetime(2030, 1, 17, 20, 30))
        made_id = made.id
    page = teacher.get(f"/teach/classes/{ids['class_a']}").get_data(as_text=True)
    assert "Thu 10 Jan, 09:00 (New York)" in page and "Thu 17 Jan, 15:30 (New York)" in page
    edit = teacher.get(f"/teach/assignments/{made_id}/edit").get_data(as_text=True)
    assert 'value="2030-01-10T09:00"' in edit and 'value="2030-01-17T15:30"' in edit
    student = signed_in(app, "student-a")
    page = student.get(f"/learn/assignments/{made_id}").get_data(as_text=True)
    assert "Thursday 10 January, 09:00 (New York)" in page
    dashboard = student.get("/learn/").get_data(as_text=True)
    assert "(New York)" in dashboard


def test_a_teacher_may_read_times_in_their_own_zone_while_students_keep_the_schools(app):
    ids = f.world(app)
    with app.app_context():
        db.session.get(Assignment, ids["assignment_a"]).due_at = datetime(2030, 1, 17, 20, 30)
        db.session.commit()
    teacher = signed_in(app, "teacher-a")
    account = teacher.get("/account").get_data(as_text=True)
    assert "Your time zone" in account and "The school&#39;s (New York)" in account
    post(teacher, "/account", {"name": "Ms A", "time_zone": "Europe/London"}, page="/account")
    page = teacher.get(f"/teach/classes/{ids['class_a']}").get_data(as_text=True)
    assert "Thu 17 Jan, 20:30 (London)" in page
    student = signed_in(app, "student-a")
    assert "Thursday 17 January, 15:30 (New York)" in \
        student.get(f"/learn/assignments/{ids['assignment_a']}").get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, ids["teacher_a"]).name == "Ms A"


def test_the_first_teacher_chooses_the_school_zone_when_the_install_names_none(unset_app):
    app = unset_app
    f.user(app, "first", "teacher")
    f.user(app, "second", "teacher")
    first = app.test_client()
    landing = login(first, "first", f.PASSWORD)
    assert "/account/school-time-zone" in landing.headers["Location"]
    page = first.get(landing.headers["Location"]).get_data(as_text=True)
    assert 'id="detected"' in page and 'src="/static/js/timezone.js"' in page and "America/Chicago" in page
    assign = first.get("/teach/classes/new")                       # not forced: but every time says it is UTC
    assert assign.status_code == 200
    empty = post(first, "/account/school-time-zone", {"zone": "", "detected": ""}, page="/account/school-time-zone")
    assert "Choose the time zone your school is in." in empty.get_data(as_text=True)
    chosen = post(first, "/account/school-time-zone?next=/teach/", {"zone": "", "detected": "America/Chicago"},
                  page="/account/school-time-zone")
    assert chosen.headers["Location"].endswith("/teach/")
    with app.app_context():
        assert db.session.get(Setting, "time_zone").value == "America/Chicago"
    second = app.test_client()
    assert login(second, "second", f.PASSWORD).headers["Location"].endswith("/teach/")
    again = post(second, "/account/school-time-zone", {"zone": "Asia/Tokyo"}, page="/teach/")
    assert again.status_code == 302
    with app.app_context():
        assert db.session.get(Setting, "time_zone").value == "America/Chicago"   # chosen once, for everyone


def test_a_teacher_may_change_the_school_zone_and_no_due_date_moves(unset_app):
    app = unset_app
    ids = f.world(app)
    with app.app_context():
        db.session.add(Setting(key="time_zone", value="America/Chicago"))          # the first teacher chose wrongly
        db.session.get(Assignment, ids["assignment_a"]).due_at = datetime(2030, 1, 17, 21, 30)
        db.session.commit()
    student = signed_in(app, "student-a")
    assert "Thursday 17 January, 15:30 (Chicago)" in \
        student.get(f"/learn/assignments/{ids['assignment_a']}").get_data(as_text=True)
    teacher = signed_in(app, "teacher-a")
    account = teacher.get("/account").get_data(as_text=True)
    assert "The school&#39;s time zone" in account
    assert re.search(r'<option selected value="America/Chicago">|<option value="America/Chicago" selected>', account)
    refused = post(teacher, "/account", {"name": "Ms A", "time_zone": "", "school_time_zone": "Mars/Base"},
                   page="/account")
    assert refused.status_code == 200 and "Not a valid choice" in refused.get_data(as_text=True)
    changed = post(teacher, "/account", {"name": "Ms A", "time_zone": "", "school_time_zone": "America/New_York"},
                   page="/account", follow_redirects=True)
    assert "Your school&#39;s times are now shown in New York time." in changed.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Setting, "time_zone").value == "America/New_York"
        assert db.session.get(Assignment, ids["assignment_a"]).due_at == datetime(2030, 1, 17, 21, 30)   # the same moment
    assert "Thursday 17 January, 16:30 (New York)" in \
        student.get(f"/learn/assignments/{ids['assignment_a']}").get_data(as_text=True)
    assert "Thu 17 Jan, 16:30 (New York)" in teacher.get(f"/teach/classes/{ids['class_a']}").get_data(as_text=True)


def test_a_school_zone_set_by_the_install_is_not_changed_on_the_account_page(app):
    ids = f.world(app)
    teacher = signed_in(app, "teacher-a")
    account = teacher.get("/account").get_data(as_text=True)
    assert "set in this installation's settings" in account and 'name="school_time_zone"' not in account
    post(teacher, "/account", {"name": "Ms A", "time_zone": "", "school_time_zone": "Asia/Tokyo"}, page="/account")
    with app.app_context():
        assert db.session.get(Setting, "time_zone") is None
    student = signed_in(app, "student-a")
    assert "(New York)" in student.get(f"/learn/assignments/{ids['assignment_a']}").get_data(as_text=True)


def test_until_a_zone_is_chosen_times_say_they_are_utc(unset_app):
    app = unset_app
    ids = f.world(app)
    teacher = signed_in(app, "teacher-a")
    page = teacher.get(f"/teach/classes/{ids['class_a']}/assign").get_data(as_text=True)
    assert "Times here are in UTC" in page and "Opens (UTC time)" in page
    assert "(UTC)" in teacher.get(f"/teach/classes/{ids['class_a']}").get_data(as_text=True)


def test_an_unknown_zone_in_the_settings_stops_the_app(tmp_path, corpus, corpus_cache, sqlite_template):
    with pytest.raises(ValueError, match="not a time zone"):
        sqlite_app(tmp_path, corpus, corpus_cache, sqlite_template, CORROBORATE_TIMEZONE="Mars/Olympus_Mons")


def test_a_database_filled_at_0002_upgrades_keeping_its_utc_times(tmp_path, corpus, corpus_cache):
    """Rows written by the previous schema (with plain SQL, as that release wrote them): times are kept as they are,
    read as UTC, and shown in the school's zone after the upgrade."""
    path = tmp_path / "previous.sqlite3"
    app = build_app(tmp_path / "instance", corpus, corpus_cache, f"sqlite:///{path}",
                    CORROBORATE_TIMEZONE="America/New_York")
    created = datetime(2026, 11, 30, 8, 0)
    with app.app_context():
        upgrade(directory=MIGRATIONS, revision="0002_sign_in_failures")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO users (id, username, name, role, password_hash, must_change_password, created_at) "
                "VALUES (1, 'teacher-a', 'Teacher A', 'teacher', :hash, 0, :at), "
                "(2, 'student-a', 'Student A', 'student', :hash, 0, :at)"),
                {"hash": hash_password(f.PASSWORD), "at": created})
            connection.execute(text("INSERT INTO classrooms (id, name, teacher_id, join_code, archived, created_at) "
                                    "VALUES (1, 'Class A', 1, 'ABC234', 0, :at)"), {"at": created})
            connection.execute(text("INSERT INTO enrollments (classroom_id, student_id, created_at) "
                                    "VALUES (1, 2, :at)"), {"at": created})
            connection.execute(text(
                "INSERT INTO assignments (id, classroom_id, module_id, open_at, due_at, attempts_allowed, "
                "grading_method, review_policy, shuffle_questions, shuffle_options, variant_seed, generated_items, "
                "created_at) VALUES (1, 1, 'sample', :open, :due, 1, 'highest', 'after_due', 1, 1, 7, '[]', :at)"),
                {"open": datetime(2030, 1, 10, 14, 0), "due": datetime(2030, 1, 17, 20, 30), "at": created})
        upgrade(directory=MIGRATIONS)
        found = db.session.get(Assignment, 1)
        assert (found.open_at, found.due_at) == (datetime(2030, 1, 10, 14, 0), datetime(2030, 1, 17, 20, 30))
        assert db.session.get(User, 1).time_zone == "" and db.session.get(Setting, "time_zone") is None
        db.engine.dispose()
    teacher = signed_in(app, "teacher-a")
    page = teacher.get("/teach/classes/1").get_data(as_text=True)
    assert "Thu 10 Jan, 09:00 (New York)" in page and "Thu 17 Jan, 15:30 (New York)" in page


def test_stored_times_stay_naive_utc(app):
    """Every stored time is naive UTC (what utcnow gives), so comparisons in SQL and Python agree."""
    assert utcnow().tzinfo is None
    assert abs(utcnow() - datetime.now(timezone.utc).replace(tzinfo=None)) < timedelta(seconds=5)
