"""Every teacher and student page, at 1280 px and at 390 px (a phone): a full-page screenshot of each into
test-artifacts/<page>-<width>.png, no page that scrolls sideways on the phone, and axe-core's colour-contrast rule
passing on each. The pages are reached as people reach them: a teacher sets up a class and a student joins it and
takes the quiz, with every item type, through the browser."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ROOT, TEACHER_PASSWORD, shot
from tests.e2e.steps import STUDENT_PASSWORD, create_class_and_assign, join, sign_in, sign_out, start_quiz
from tests.e2e.test_journeys import answer_every_item_with_the_keyboard

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = {1280: 900, 390: 844}
ITEM_TYPES = {"single", "multiple", "truefalse", "matching", "ordering", "short", "cloze", "essay"}


class Sweep:
    """What the checks found, by page: wrong status, sideways scrolling (at 390 px, and at 1280 px too), colour-contrast
    failures."""

    def __init__(self, page: Page):
        self.page, self.seen = page, []
        self.status: dict[str, int] = {}
        self.overflow: dict[str, dict] = {}
        self.contrast: dict[str, list] = {}

    def visit(self, name: str, url: str) -> None:
        response = self.page.goto(url)
        if response is None or response.status != 200:
            self.status[name] = response.status if response else 0
        self.check(name)

    def check(self, name: str) -> None:
        """The page as it stands, at each width."""
        self.seen.append(name)
        for width, height in WIDTHS.items():
            self.page.set_viewport_size({"width": width, "height": height})
            self.page.wait_for_timeout(100)
            shot(self.page, f"{name}-{width}")
            wide = self.page.evaluate("""() => {
                const width = window.innerWidth, scroll = document.documentElement.scrollWidth;
                const over = e => e.getBoundingClientRect().right > width + 1;
                const clipped = e => {
                    for (let p = e.parentElement; p && p !== document.body; p = p.parentElement)
                        if (getComputedStyle(p).overflowX !== 'visible') return true;
                    return false;
                };
                const culprits = [...document.querySelectorAll('body *')].filter(e =>      // the innermost ones
                    e.getBoundingClientRect().width && over(e) && !clipped(e) && ![...e.children].some(over)
                ).slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
                                        (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '') +
                                        ' ' + Math.round(e.getBoundingClientRect().right) + 'px');
                return {scroll, width, culprits};
            }""")
            if wide["scroll"] > wide["width"]:
                self.overflow[f"{name}-{width}"] = wide
            found = contrast_failures(self.page)
            if found:
                self.contrast[f"{name}-{width}"] = found
        self.page.set_viewport_size({"width": 1280, "height": 900})


def contrast_failures(page: Page) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=Path(AXE).read_text())
    return page.evaluate("""async () => {
        const result = await axe.run(document, {runOnly: {type: 'rule', values: ['color-contrast']}});
        return result.violations.flatMap(v => v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' +
                                                                      (n.any[0] || {}).message));
    }""")


@pytest.fixture
def sweep_context(browser, server):
    if not AXE.exists():
        pytest.fail("axe-core is missing: make test installs it with npm ci")
    made = browser.new_context(base_url=server.url, bypass_csp=True, viewport={"width": 1280, "height": 900},
                               timezone_id="America/New_York", accept_downloads=True)
    made.set_default_timeout(15000)
    yield made
    made.close()


def teacher_signs_in(page: Page, sweep: Sweep | None = None) -> None:
    """Sign in as the teacher, choosing the school's time zone (the browser's) if the install asks for it."""
    sign_in(page, "rivera", TEACHER_PASSWORD)
    page.wait_for_load_state()
    if "zone" in page.url:
        if sweep:
            sweep.check("time-zone")
        page.locator("main button[type=submit], main input[type=submit]").first.click()
        page.wait_for_load_state()


def link(page: Page, selector: str) -> str | None:
    found = page.locator(selector)
    return found.first.get_attribute("href") if found.count() else None


def test_every_teacher_and_student_page_fits_a_phone_and_passes_colour_contrast(sweep_context):
    page = sweep_context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    sweep = Sweep(page)

    # --- Visitors ---------------------------------------------------------------------------------------------------
    for name, url in (("unit", "/"), ("login", "/login"), ("join", "/join"), ("sources", "/sources"),
                      ("search", "/search?q=why+did+Bukharin+confess"),
                      ("search-nothing", "/search?q=zzzqx+wqqz"), ("reader", "/sources/goldman-2008")):
        sweep.visit(name, url)

    # --- The teacher sets up: a class, the Kirov module assigned (two attempts, answers shown at once) -------------
    teacher_signs_in(page, sweep)
    sign_out(page)
    code = create_class_and_assign(page, "Every page 9C")
    class_url = page.url.split("?")[0]
    sign_out(page)

    # --- A student joins, takes the quiz with every item type, and reviews it ---------------------------------------
    join(page, code, "Ana Petrova", "ana9c")
    sweep.check("student-dashboard")
    page.get_by_role("link", name=re.compile("Kirov")).first.click()
    sweep.check("assignment")
    assignment_url = page.url
    start_quiz(page)
    expect(page).to_have_url(re.compile(r"/learn/attempts/\d+$"))     # quiz.js shows the attempt's own address
    quiz_url = page.url
    kinds = set(page.evaluate("[...document.querySelectorAll('li[data-item]')].map(li => li.dataset.type)"))
    assert kinds >= ITEM_TYPES, kinds
    total = page.locator("li[data-item]").count()
    expect(page.locator("#answered-count")).to_have_text(f"0 of {total} answered")
    sweep.check("quiz")
    # submitting with nothing answered lists the unanswered questions instead of submitting
    page.locator("#submit-quiz").click()
    warning = page.locator("#unanswered-warning")
    expect(warning).to_contain_text(f"{total} questions have no answer yet: 1, 2")
    expect(page).to_have_url(re.compile(re.escape(quiz_url)))
    # on a phone, the documents are a tab away from the questions
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.locator("#documents-panel")).to_be_hidden()
    page.get_by_role("tab", name=re.compile("Documents")).click()
    expect(page.locator("#documents-panel")).to_be_visible()
    expect(page.locator("#quiz")).to_be_hidden()
    page.get_by_role("tab", name="Doc 2").click()
    expect(page.locator("#documents-panel [role=tabpanel]:visible")).to_have_count(1)
    shot(page, "quiz-documents-390")
    page.get_by_role("tab", name=re.compile("Questions")).click()
    expect(page.locator("#quiz")).to_be_visible()
    # on a wide screen, they sit beside the questions
    page.set_viewport_size({"width": 1280, "height": 900})
    questions, documents = page.locator("#quiz").bounding_box(), page.locator("#documents-panel").bounding_box()
    assert documents["x"] > questions["x"] + questions["width"] - 1, (questions, documents)
    answered = answer_every_item_with_the_keyboard(page, "Rogovin relies on Trotsky, who wrote abroad in 1938.")
    assert len(answered) == total
    expect(page.locator("#answered-count")).to_have_text(f"{total} of {total} answered")
    expect(page.locator("#save-status")).to_have_text("All answers saved", timeout=20000)
    sweep.check("quiz-answered")
    # a matching question on a phone: every select within the screen, and the whole of each choice readable
    page.set_viewport_size({"width": 390, "height": 844})
    matching = page.locator("li[data-type=matching]").first
    matching.scroll_into_view_if_needed()
    matching.screenshot(path=str(ROOT / "test-artifacts" / "quiz-matching-390.png"))
    edges = matching.locator("select").evaluate_all("selects => selects.map(s => s.getBoundingClientRect().right)")
    assert edges and max(edges) <= 390, edges
    chosen = matching.locator("select").first.evaluate("s => s.options[s.selectedIndex].text")
    expect(matching.locator(".match-chosen").first).to_have_text(chosen)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("#submit-quiz").click()                 # everything answered: the plain confirmation, accepted
    expect(page.get_by_role("heading", name="Your answers are in")).to_be_visible()
    sweep.check("review")
    sweep.visit("assignment-last-attempt", assignment_url)
    expect(page.get_by_text("This is your last attempt")).to_be_visible()
    sweep.visit("password-change", "/account/password")
    sweep.visit("student-account", "/account")
    sign_out(page)

    # --- The teacher's pages ------------------------------------------------------------------------------------------
    teacher_signs_in(page)
    sweep.visit("teacher-dashboard", "/teach/")
    sweep.visit("class", class_url)
    sweep.visit("new-class", "/teach/classes/new")
    sweep.visit("assign-form", class_url + "/assign")
    page.goto(class_url)
    edit, results = link(page, "a[href$='/edit']"), link(page, "a[href$='/results']")
    sweep.visit("edit-assignment", edit)
    sweep.visit("gradebook", class_url + "/gradebook")
    sweep.visit("results", results)
    attempt = link(page, "a[href*='/teach/attempts/']")
    if attempt is None:
        sweep.status["attempt-view (no link on the results page)"] = 0
    else:
        sweep.visit("attempt-view", attempt)
    sweep.visit("grading-queue", "/teach/grading")
    sweep.visit("account", "/account")
    sweep.visit("lesson-teacher", "/modules/kirov")
    sweep.visit("preview", "/modules/kirov/preview")
    page.locator("#submit-quiz").click()
    page.locator("#submit-anyway").click()
    expect(page.get_by_role("heading", name="How these answers would be marked")).to_be_visible()
    sweep.check("preview-checked")
    sweep.visit("generated", "/teach/modules/kirov/generated")
    page.goto("/modules/kirov")
    sweep.visit("exercise", link(page, "a[href*='/exercises/']"))
    handout = "/modules/kirov/handout.pdf?edition=student&form=A&paper=a4"
    if "html" in page.request.get(handout).headers.get("content-type", ""):       # not rendered yet: "Preparing"
        page.goto(handout)
        sweep.check("handout-preparing")
    sign_out(page)
    sign_in(page, "ana9c", STUDENT_PASSWORD)
    sweep.visit("lesson-student", "/modules/kirov")
    sign_out(page)

    # --- A destructive action on the class page asks for a second button, and works without a script dialog ---------
    teacher_signs_in(page)
    page.goto(class_url)
    confirm = page.get_by_role("button", name="Reset Ana Petrova’s password")
    expect(confirm).to_be_hidden()
    page.locator("summary", has_text="Reset password").click()
    expect(confirm).to_be_visible()
    sweep.check("class-confirm-reset")
    confirm.click()
    expect(page.get_by_role("heading", name="New password for Ana Petrova")).to_be_visible()

    report = {"status": sweep.status, "overflow": sweep.overflow, "contrast": sweep.contrast}
    assert report == {"status": {}, "overflow": {}, "contrast": {}}, json.dumps(report, indent=1)
