"""The product as people use it, in real Chromium: a teacher sets up, a student works (offline for a while, keyboard
only), the teacher grades. One story, in order, with screenshots of the key pages."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.conftest import TEACHER_PASSWORD, shot
from tests.e2e.steps import create_class_and_assign, join, sign_in, sign_out, start_quiz


def answer_every_item_with_the_keyboard(page: Page, essay: str, offline_after: int | None = None, context=None):
    """Tab from the first answer control to the submit button, answering whatever has focus."""
    page.locator("li[data-item] input, li[data-item] select, li[data-item] textarea").first.focus()
    seen_radio_groups, answered = set(), set()
    for _ in range(400):
        info = page.evaluate("""() => { const e = document.activeElement;
            return {tag: e.tagName, type: e.type || '', name: e.name || '', id: e.id || '',
                    item: (e.closest('li[data-item]') || {}).dataset?.item || '',
                    kind: (e.closest('li[data-item]') || {}).dataset?.type || '', text: e.textContent || ''}; }""")
        if info["id"] == "submit-quiz" or info["tag"] == "BUTTON":
            return answered
        if offline_after is not None and len(answered) == offline_after and context is not None:
            context.set_offline(True)
            offline_after = None
        kind = info["kind"]
        if info["type"] == "radio" and info["name"] not in seen_radio_groups:
            page.keyboard.press("Space")
            seen_radio_groups.add(info["name"])
        elif info["type"] == "checkbox":
            page.keyboard.press("Space")
        elif info["tag"] == "SELECT" and kind == "ordering":
            position = page.evaluate("""() => { const e = document.activeElement;
                return [...e.closest('li').querySelectorAll('select')].indexOf(e) + 1; }""")
            page.keyboard.type(str(position))
        elif info["tag"] == "SELECT":
            page.keyboard.press("ArrowDown")
        elif info["tag"] == "TEXTAREA":
            page.keyboard.type(essay)
        elif info["tag"] == "INPUT" and info["type"] == "text":
            page.keyboard.type("843" if kind == "cloze" else "Yezhov")
        if info["item"]:
            answered.add(info["item"])
        page.keyboard.press("Tab")
    raise AssertionError("never reached the submit button")


def test_teacher_student_teacher_journey(context, server):
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())

    # --- Teacher: creates a class, assigns a module, downloads the student handout -------------------------------
    code = create_class_and_assign(page, "History 10B")
    assert re.fullmatch(r"[A-Z0-9]{6}", code)
    shot(page, "01-teacher-class")

    page.goto("/modules/kirov")                # a teacher's print links are in plain sight on the lesson
    link = page.get_by_role("link", name="Student handout, A4")
    href = link.get_attribute("href")
    for _ in range(60):                        # cold render: a "preparing" page that refreshes itself
        response = context.request.get(href)
        if response.status == 200:
            break
        assert response.status == 202 and "Preparing your handout" in response.text()
        page.wait_for_timeout(500)
    assert response.headers["content-type"] == "application/pdf" and response.body().startswith(b"%PDF")
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "kirov-student-form-A-a4.pdf"
    sign_out(page)

    # --- Student: joins with the code, reads the lesson, opens the comparison view -------------------------------
    join(page, code, "Ana Petrova", "ana")
    page.get_by_role("link", name="Lesson").first.click()
    expect(page.get_by_role("heading", name="Documents")).to_be_visible()
    shot(page, "02-lesson")
    page.get_by_role("link", name="Compare side by side").first.click()
    expect(page.locator(".columns .column").first).to_be_visible()
    assert page.locator(".columns .column").count() >= 2
    shot(page, "03-compare")

    # --- Student: takes the quiz with the keyboard, loses the network midway, reconnects, submits -----------------
    start_quiz(page)
    items = page.locator("li[data-item]").count()
    answered = answer_every_item_with_the_keyboard(page, "Rogovin relies on Trotsky, who wrote abroad in 1938.",
                                                   offline_after=5, context=context)
    assert len(answered) == items
    kept_locally = page.evaluate("Object.keys(JSON.parse(localStorage.getItem('corroborate:attempt:' + "
                                 "JSON.parse(document.getElementById('quiz-state').textContent).attempt)))")
    assert len(kept_locally) == items, kept_locally             # every answer is on the device while offline
    expect(page.locator("#save-status")).to_contain_text("Offline — will retry")
    shot(page, "04-quiz-offline")
    context.set_offline(False)
    expect(page.locator("#save-status")).to_have_text("All answers saved", timeout=40000)
    page.reload()                                          # everything typed survived, on the server
    state = page.evaluate("JSON.parse(document.getElementById('quiz-state').textContent).saved")
    ids = page.evaluate("[...document.querySelectorAll('li[data-item]')].map(li => li.dataset.item + ':' + li.dataset.type)")
    assert len(state) == items, (sorted(state), ids)
    page.locator("#submit-quiz").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your answers are in")).to_be_visible()
    expect(page.get_by_text("still to be marked")).to_be_visible()
    shot(page, "05-review")
    sign_out(page)

    # --- Teacher: grades the essay, sees the gradebook, the item analysis chart and the CSV -----------------------
    sign_in(page, "rivera", TEACHER_PASSWORD)
    page.goto("/teach/")
    page.get_by_role("link", name="History 10B").click()
    page.get_by_role("link", name="Grading queue").click()             # this class's answers to mark
    expect(page.get_by_text("Rogovin relies on Trotsky")).to_be_visible()
    page.get_by_role("radio", name=re.compile("Proficient")).check()
    page.get_by_label("Comment for the student").fill("Good sourcing.")
    page.get_by_role("button", name="Save mark").click()
    expect(page.get_by_text("Nothing to mark")).to_be_visible()
    page.goto("/teach/")
    page.get_by_role("link", name="History 10B").click()
    page.get_by_role("link", name="Gradebook").click()
    expect(page.locator("table.gradebook")).to_contain_text("Ana Petrova")
    shot(page, "06-gradebook")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV").click()
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0]["Username"] == "ana" and float(next(v for k, v in rows[0].items() if "Kirov" in k)) > 0
    page.go_back()
    page.goto(page.url.replace("/gradebook", ""))
    page.get_by_role("link", name="Results").click()
    expect(page.locator("svg.analysis-chart")).to_be_visible()
    shot(page, "07-item-analysis")
