"""Steps shared by the browser tests: what a teacher or a student does, through the UI only."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import TEACHER_PASSWORD

STUDENT_PASSWORD = "a student password"


def sign_in(page: Page, username: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name=re.compile("Sign out")).click()


def create_class_and_assign(page: Page, name: str, module: str = "kirov") -> str:
    """As the teacher: a new class with ``module`` assigned (two attempts, review immediately); returns the code."""
    sign_in(page, "rivera", TEACHER_PASSWORD)
    page.goto("/teach/classes/new")
    page.get_by_label("Class name").fill(name)
    page.get_by_role("button", name="Save").click()
    code = page.locator("code.code.big").inner_text()
    page.get_by_role("link", name="Assign a module").click()
    page.get_by_label("Module").select_option(module)
    page.get_by_text("Quiz settings").click()
    page.get_by_label("Attempts allowed").fill("2")
    page.get_by_label("Students see answers and feedback").select_option("immediately")
    page.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("Assigned.")).to_be_visible()
    return code


def join(page: Page, code: str, name: str, username: str) -> None:
    page.goto("/join")
    page.get_by_label("Class code").fill(code.lower())
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill(STUDENT_PASSWORD)
    page.get_by_label("Repeat the password").fill(STUDENT_PASSWORD)
    page.get_by_role("button", name="Join the class").click()
    expect(page.get_by_text(re.compile("Welcome to"))).to_be_visible()


def start_quiz(page: Page, module_title: str = "Kirov") -> None:
    page.goto("/learn/")
    page.get_by_role("link", name=re.compile(module_title)).click()
    page.get_by_role("button", name=re.compile("Start")).click()
    expect(page.locator("#save-status")).to_have_text("All answers saved")
