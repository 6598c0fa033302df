"""axe-core (from node_modules) on the lesson, quiz and teacher pages: no serious or critical violations."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, shot
from tests.e2e.steps import create_class_and_assign, join, sign_in, sign_out, start_quiz

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def violations(page) -> list[dict]:
    """Serious and critical axe violations on the current page (WCAG 2.1 A and AA rules)."""
    page.add_script_tag(content=Path(AXE).read_text())
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
        return result.violations.filter(v => ['serious', 'critical'].includes(v.impact))
            .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return found


@pytest.fixture
def axe_context(browser, server):
    if not AXE.exists():
        pytest.fail("axe-core is missing: make test installs it with npm ci")
    made = browser.new_context(base_url=server.url, bypass_csp=True, viewport={"width": 1280, "height": 900})
    made.set_default_timeout(15000)
    yield made
    made.close()


def test_no_serious_violations_on_student_and_teacher_pages(axe_context):
    page = axe_context.new_page()
    report = {}
    code = create_class_and_assign(page, "Accessibility 9A")
    class_url = page.url
    for name, url in (("teacher-class", class_url), ("assign-form", class_url + "/assign"),
                      ("teacher-classes", "/teach/"), ("grading-queue", "/teach/grading"),
                      ("gradebook", class_url + "/gradebook"), ("generated", "/teach/modules/kirov/generated")):
        page.goto(url)
        report[name] = violations(page)
    sign_out(page)
    for name, url in (("unit", "/"), ("lesson", "/modules/kirov"), ("sources", "/sources"),
                      ("search", "/search?q=Bukharin+confess"), ("login", "/login"), ("join", "/join")):
        page.goto(url)
        report[name] = violations(page)
    page.goto("/modules/kirov")
    page.get_by_role("link", name="Compare side by side").first.click()
    report["compare"] = violations(page)
    join(page, code, "Ben Okafor", "ben")
    report["dashboard"] = violations(page)
    start_quiz(page)
    report["quiz"] = violations(page)
    shot(page, "08-quiz-accessibility")
    sign_out(page)
    sign_in(page, "rivera", "a teacher password")
    page.goto(class_url)
    page.get_by_role("link", name="Results").click()
    report["results"] = violations(page)
    assert {name: found for name, found in report.items() if found} == {}


def test_the_checker_itself_catches_a_violation(axe_context):
    page = axe_context.new_page()
    page.set_content('<html lang="en"><title>x</title><main><img src="data:,"><button></button></main></html>')
    assert {v["id"] for v in violations(page)} >= {"image-alt", "button-name"}
