"""kill -9 the server in the middle of an attempt: every answer saved before the kill is there after the restart,
and answers given while it was down are sent once it is back."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.steps import create_class_and_assign, join, sign_out, start_quiz


def test_answers_survive_kill_9_of_the_server(context, server):
    page = context.new_page()
    code = create_class_and_assign(page, "Crash test 11C")
    sign_out(page)
    join(page, code, "Chloe Martin", "chloe")
    start_quiz(page)
    short = page.locator("li[data-type='short'] input").first
    short.fill("Yezhov")
    page.locator("li[data-type='essay'] textarea").first.fill("Written before the crash.")
    page.locator("li[data-type='single'] input[type=radio]").first.check()
    expect(page.locator("#save-status")).to_have_text("All answers saved")
    saved_before = page.evaluate("fetch(location.pathname.replace('/learn/', '/api/')).then(r => r.json())")

    server.kill()                                       # kill -9: master and workers, mid-attempt
    page.locator("li[data-type='truefalse'] input[value=false]").first.check()
    expect(page.locator("#save-status")).to_contain_text("Offline — will retry")
    server.start()
    expect(page.locator("#save-status")).to_have_text("All answers saved", timeout=45000)

    page.reload()
    state = page.evaluate("JSON.parse(document.getElementById('quiz-state').textContent).saved")
    for item, answer in saved_before["answers"].items():
        assert state[item]["value"] == answer["value"]
    assert len(state) == len(saved_before["answers"]) + 1
    expect(page.locator("li[data-type='short'] input").first).to_have_value("Yezhov")
