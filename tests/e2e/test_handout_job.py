"""A teacher asks for a handout nobody has printed yet: the "Preparing…" page waits on the job queue's worker, the
PDF downloads by itself, and the page then says it is ready instead of preparing for ever."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import shot


def test_the_preparing_page_downloads_the_handout_and_says_so(context):
    page = context.new_page()
    with page.expect_download(timeout=120_000) as download:
        page.goto("/modules/confessions/handout.pdf?edition=student&form=E&paper=letter")
        expect(page.get_by_role("heading", name="Preparing your handout…")).to_be_visible()
        shot(page, "handout-preparing")
    assert download.value.suggested_filename == "confessions-student-form-E-letter.pdf"
    expect(page.get_by_role("heading", name="Your handout is ready")).to_be_visible()
    expect(page.get_by_role("link", name="Download it again")).to_be_visible()
