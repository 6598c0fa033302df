"""Accounts, rosters and time zones in real Chromium, on an install that names no time zone: the first teacher (a
browser in New York) chooses the school's zone, assigns a module that opens now in New York time, imports a school
system's roster (previewed, then confirmed), and a student from it must replace the slip password, which then stops
working. Screenshots at 1280 px and 390 px go to test-artifacts/."""
from __future__ import annotations

import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pypdf
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, TEACHER_PASSWORD, shots_at_both_widths, started_server
from tests.e2e.steps import sign_in, sign_out

NEW_YORK = ZoneInfo("America/New_York")
ROSTER = "First Name,Last Name,Email\nZoë,Ångström,zoe.angstrom@school.org\nMarcus,Lee,mlee@school.org\n"
OWN_PASSWORD = "my very own password"


@pytest.fixture(scope="module")
def school(tmp_path_factory):
    """A fresh install of its own (the shared server's school may have a zone already): no CORROBORATE_TIMEZONE."""
    running = started_server(tmp_path_factory, "e2e-accounts", CORROBORATE_TIMEZONE="")
    yield running
    running.stop()


@pytest.fixture
def new_york(browser, school):
    """A browser set to New York time, as the teacher's and students' computers are."""
    made = browser.new_context(base_url=school.url, viewport={"width": 1280, "height": 900}, accept_downloads=True,
                               timezone_id="America/New_York", locale="en-US")
    made.set_default_timeout(15000)
    yield made
    made.close()


def test_new_york_teacher_roster_and_one_time_passwords(new_york, browser, school):
    page = new_york.new_page()

    # --- the first teacher signs in and chooses the school's zone: their browser's, already selected ------------
    sign_in(page, "rivera", TEACHER_PASSWORD)
    expect(page.get_by_role("heading", name="Which time zone is your school in?")).to_be_visible()
    expect(page.get_by_label("The school's time zone")).to_have_value("America/New_York")
    assert page.locator("#detected").input_value() == "America/New_York"
    shots_at_both_widths(page, "accounts-01-school-zone")
    page.get_by_role("button", name="Use this time zone").click()
    expect(page.get_by_text("Times are shown in New York time.")).to_be_visible()

    # --- a class, and an assignment made in class: it opens now, in New York time -----------------------------------
    page.goto("/teach/classes/new")
    page.get_by_label("Class name").fill("History 10B")
    page.get_by_role("button", name="Save").click()
    class_url = page.url
    page.get_by_role("link", name="Assign a module").click()
    opens = page.get_by_label("Opens (New York time)")
    now = datetime.now(NEW_YORK).replace(tzinfo=None)
    typed = datetime.fromisoformat(opens.input_value())
    assert abs(typed - now) < timedelta(minutes=2), (typed, now)        # not UTC: that would be 5 hours ahead
    due = datetime.fromisoformat(page.get_by_label("Due (New York time)").input_value())
    week_ahead = typed.date() + timedelta(days=7)
    while week_ahead.weekday() >= 5:                                     # set at the weekend: due the Monday after
        week_ahead += timedelta(days=1)
    assert (due.date(), due.strftime("%H:%M")) == (week_ahead, "15:30")
    shots_at_both_widths(page, "accounts-02-assign")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text(re.compile(r"from the opening time, .* \(New York\)"))).to_be_visible()
    expect(page.locator("td[data-label=Opens]").first).to_contain_text("(New York)")

    # --- a school system's roster: previewed, nothing made, then confirmed ---------------------------------------
    page.goto(class_url)
    page.get_by_text("Add students from a spreadsheet").click()
    page.get_by_label(re.compile("Roster")).set_input_files(
        files=[{"name": "export.csv", "mimeType": "text/csv", "buffer": ROSTER.encode()}])
    page.get_by_role("button", name="Preview the accounts").click()
    expect(page.get_by_role("heading", name="Check the accounts before they are made")).to_be_visible()
    table = page.locator("table.roster-preview")
    expect(table).to_contain_text("Zoë Ångström")
    expect(table).to_contain_text("zoe.angstrom")
    expect(table).not_to_contain_text("First Name")
    shots_at_both_widths(page, "accounts-03-roster-preview")
    with page.expect_download() as download:
        page.get_by_role("button", name="Create the accounts").click()
    pdf = download.value.path().read_bytes()
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    slip = re.search(r"zoe\.angstrom\s*Password\s*(\S+)", text)[1]
    (ARTIFACTS / "accounts-04-login-slips.pdf").write_bytes(pdf)
    page.goto(class_url)
    expect(page.get_by_role("rowheader", name="Zoë Ångström")).to_be_visible()

    # --- the teacher's own account page, from the header: name, time zone, password ------------------------------
    page.get_by_role("link", name="Account").click()
    expect(page.get_by_label("Your time zone")).to_have_value("")
    expect(page.get_by_label("Your time zone")).to_contain_text("The school's (New York)")
    shots_at_both_widths(page, "accounts-04-teacher-account")
    sign_out(page)

    # --- the student must replace the slip password before any other page ------------------------------------------
    student = new_york.new_page()
    student.set_viewport_size({"width": 390, "height": 844})
    sign_in(student, "zoe.angstrom", slip)
    expect(student.get_by_role("heading", name="Choose your password")).to_be_visible()
    student.goto("/learn/")
    expect(student.get_by_role("heading", name="Choose your password")).to_be_visible()     # no way around it
    student.set_viewport_size({"width": 1280, "height": 900})
    shots_at_both_widths(student, "accounts-05-choose-password")
    student.get_by_label("Password", exact=True).fill(OWN_PASSWORD)
    student.get_by_label("Repeat the password").fill(OWN_PASSWORD)
    student.get_by_role("button", name="Change password").click()
    expect(student.get_by_text("Your password is changed.")).to_be_visible()

    # --- the assignment made a moment ago is open now ---------------------------------------------------------------
    expect(student.get_by_text(re.compile(r"due .* \(New York\)"))).to_be_visible()
    shots_at_both_widths(student, "accounts-06-student-dashboard")
    student.locator("a[href^='/learn/assignments/']").first.click()
    expect(student.get_by_role("button", name=re.compile("Start"))).to_be_visible()
    expect(student.get_by_text(re.compile(r"\(New York\)")).first).to_be_visible()
    shots_at_both_widths(student, "accounts-07-student-assignment")
    sign_out(student)

    # --- the slip password no longer signs in; the student's own does ------------------------------------------------
    sign_in(student, "zoe.angstrom", slip)
    expect(student.get_by_text("That username and password do not match.")).to_be_visible()
    shots_at_both_widths(student, "accounts-08-slip-refused")
    sign_in(student, "zoe.angstrom", OWN_PASSWORD)
    expect(student).to_have_url(re.compile(r"/learn/$"))
