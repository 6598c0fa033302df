"""Grading in real Chromium (#24): a student answers every item type in one attempt and leaves a second blank; the
teacher opens both attempts (every type shows its answer, or that there is none), marks the essay with points of
their own and marks it again; the student's review then shows each answer beside the key, marked right or wrong.
Screenshots at 1280 px and at 390 px (a phone) go to test-artifacts/, and no page scrolls sideways on the phone."""
from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import TEACHER_PASSWORD, shots_at_both_widths
from tests.e2e.steps import STUDENT_PASSWORD, create_class_and_assign, join, sign_in, sign_out, start_quiz
from tests.e2e.test_journeys import answer_every_item_with_the_keyboard

TYPES = {"single", "multiple", "truefalse", "matching", "ordering", "short", "cloze", "essay"}
ESSAY = "Davies saw the trial from the gallery; Rogovin wrote with the archives open."


def reviewed_items(page: Page) -> list[dict]:
    """The review's questions: their heading, type and text."""
    return page.evaluate("""() => [...document.querySelectorAll('ol.items.review > li')].map(li => ({
        heading: li.querySelector('h2').textContent.trim(), type: [...li.classList].find(c => c.startsWith('item-'))
            .slice(5), text: li.innerText}))""")


def test_marking_every_type_an_override_and_a_new_mark(context, server):
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    code = create_class_and_assign(page, "Grading 9A")
    sign_out(page)

    # --- Student: answers every question in attempt 1, leaves attempt 2 blank ------------------------------------
    join(page, code, "Bo Chen", "bochen")
    start_quiz(page)
    kinds = set(page.evaluate("[...document.querySelectorAll('li[data-item]')].map(li => li.dataset.type)"))
    assert kinds == TYPES, kinds
    answer_every_item_with_the_keyboard(page, ESSAY)
    expect(page.locator("#save-status")).to_have_text("All answers saved", timeout=20000)
    page.locator("#submit-quiz").click()
    expect(page.get_by_role("heading", name="Your answers are in")).to_be_visible()
    expect(page.locator("p.score")).to_contain_text(re.compile(r"points so far, 6 waiting for your teacher"))
    page.goto("/learn/")
    page.get_by_role("link", name=re.compile("Kirov")).first.click()
    page.get_by_role("button", name=re.compile("Start another attempt")).click()
    expect(page.locator("#save-status")).to_have_text("All answers saved")
    page.locator("#submit-quiz").click()
    anyway = page.get_by_role("button", name="Submit anyway")         # the quiz warns about unanswered questions
    anyway.or_(page.get_by_role("heading", name="Your answers are in")).first.wait_for()
    if anyway.is_visible():
        anyway.click()
    expect(page.get_by_role("heading", name="Your answers are in")).to_be_visible()
    sign_out(page)

    # --- Teacher: the attempt view of both attempts, every type ---------------------------------------------------
    sign_in(page, "rivera", TEACHER_PASSWORD)
    header_link = page.get_by_role("link", name="Grading", exact=True)
    expect(header_link).to_be_visible()                                       # the header links the queue
    header_link.click()
    expect(page.locator("#filter-class")).to_contain_text("Grading 9A (1)")   # every class's; other tests' too
    page.goto("/teach/")
    page.get_by_role("link", name="Grading 9A").click()
    page.get_by_role("link", name="Grading queue").click()                    # this class's alone
    expect(page.locator("p.count")).to_contain_text("1 written answer to mark")
    shots_at_both_widths(page, "grading-queue")
    page.goto("/teach/")
    page.get_by_role("link", name="Grading 9A").click()
    page.get_by_role("link", name="Results").first.click()
    results = page.url
    expect(page.get_by_text(re.compile("Fewer than 10 students have answered"))).to_be_visible()
    expect(page.locator(".chart-legend")).to_contain_text("Bar: facility")
    shots_at_both_widths(page, "grading-results")

    page.get_by_role("link", name=re.compile(r"^#2")).click()
    blank = reviewed_items(page)
    assert {item["type"] for item in blank} == TYPES
    assert all("No answer." in item["text"] for item in blank), [i["heading"] for i in blank if "No answer." not in i["text"]]
    assert [item["heading"].split(" · ")[0] for item in blank] == [f"Question {n}" for n in range(1, len(blank) + 1)]
    shots_at_both_widths(page, "grading-attempt-blank")

    page.goto(results)
    page.get_by_role("link", name=re.compile(r"^#1")).click()
    answered = reviewed_items(page)
    assert {item["type"] for item in answered} == TYPES
    for item in answered:
        assert "No answer." not in item["text"], item["heading"]
        if item["type"] == "essay":
            assert ESSAY in item["text"]
        elif item["type"] == "cloze":
            assert "843" in item["text"]
        else:
            assert "Student's answer" in item["text"], item
    expect(page.locator(".mark.right").first).to_be_visible()
    shots_at_both_widths(page, "grading-attempt-answered")

    # --- Teacher: marks the essay with points of their own, then marks it again ----------------------------------
    form = page.locator("form.mark-form")
    form.get_by_label("Comment for the student").fill("Say which of the two you trust, and why.")
    form.get_by_role("button", name="Save mark").click()                     # no mark chosen: shown again, comment kept
    expect(page.get_by_role("alert")).to_contain_text("Choose a rubric level, no credit, or type the points")
    expect(page.get_by_label("Comment for the student")).to_have_value("Say which of the two you trust, and why.")
    page.get_by_role("radio", name="Points of my own:").check()
    page.get_by_label("Points, from 0 to 6").fill("4.5")
    page.get_by_role("button", name="Save mark").click()
    expect(page.get_by_text(re.compile(r"Saved 4\.5 of 6 points for Bo Chen"))).to_be_visible()
    expect(page.get_by_text("Marked: 4.5 of 6 points. Change it below.")).to_be_visible()
    page.get_by_role("radio", name=re.compile("^Emergent")).check()
    page.get_by_label("Points, from 0 to 6").fill("")
    page.get_by_role("button", name="Save the new mark").click()
    expect(page.get_by_text("Marked: 4 of 6 points (emergent). Change it below.")).to_be_visible()
    expect(page.locator("p strong").first).to_contain_text(re.compile(r"of \d+ points \(\d+%\)"))
    page.goto("/teach/")
    page.get_by_role("link", name="Grading 9A").click()
    page.get_by_role("link", name="Grading queue").click()
    expect(page.get_by_text("Nothing to mark")).to_be_visible()
    sign_out(page)

    # --- Student: the review beside the key -----------------------------------------------------------------------
    sign_in(page, "bochen", STUDENT_PASSWORD)
    page.goto("/learn/")
    page.get_by_role("link", name=re.compile("Kirov")).first.click()
    page.get_by_role("link", name=re.compile("Review", re.I)).first.click()
    expect(page.locator("p.score")).to_contain_text(re.compile(r"Score: \d+(\.\d+)? of \d+ points \(\d+%\)"))
    review = reviewed_items(page)
    assert {item["type"] for item in review} == TYPES
    assert [item["heading"].split(" · ")[0] for item in review] == [f"Question {n}" for n in range(1, len(review) + 1)]
    for item in review:
        if item["type"] != "essay":
            assert "Your answer" in item["text"] and re.search("✓ right|✗ wrong", item["text"]), item
    assert "Marked emergent: 4 of 6 points." in next(i["text"] for i in review if i["type"] == "essay")
    assert "see the next item" not in page.content()
    shots_at_both_widths(page, "grading-review")
