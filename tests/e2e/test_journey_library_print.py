"""A reader in the source library and a teacher printing, in Chromium at 1280 px and at 390 px (a phone): a page
that does not exist still has the site header; an old link into Rogovin's book (one page of 1.9 MB before it was read
a chapter at a time) opens the chapter with that paragraph, with or without JavaScript; Goldman's title page reads
as front matter; a handout nobody has printed yet downloads by itself and the page then says it is ready.
Screenshots go to test-artifacts/library-print-*.png."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import shot
from tests.e2e.test_accessibility import violations

WIDTHS = {"wide": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} is {width} px wide"


@pytest.fixture(params=list(WIDTHS))
def sized(request, context):
    page = context.new_page()
    page.set_viewport_size(WIDTHS[request.param])
    return page, request.param


def test_pages_that_do_not_exist_keep_the_site_header(sized):
    page, width = sized
    for path, name in (("/modules/nope", "module"), ("/sources/nope", "source")):
        response = page.goto(path)
        assert response.status == 404
        header = page.locator("header.site")
        expect(header).to_be_visible()
        expect(header.get_by_role("link", name="Sources")).to_be_visible()
        expect(header.get_by_role("searchbox", name="Search the sources")).to_be_visible()
        expect(page.get_by_role("heading", name="404 · Not Found")).to_be_visible()
        no_sideways_scroll(page)
        shot(page, f"library-print-404-{name}-{width}")


def test_an_old_link_into_rogovin_opens_the_chapter_with_that_paragraph(sized):
    page, width = sized
    # the first page's script sends the browser on while it is still loading: wait for the chapter, not that load
    page.goto("/sources/rogovin-2009#p1234", wait_until="commit")
    page.wait_for_url(re.compile(r"/sources/rogovin-2009/chapters/\d+#p1234$"), timeout=30_000)
    paragraph = page.locator("#p1234")
    expect(paragraph).to_contain_text("Babel was also close to the group of commanders")
    expect(paragraph).to_be_in_viewport()
    expect(page.get_by_role("navigation", name="Chapter pages").first).to_contain_text("Page ")
    no_sideways_scroll(page)
    shot(page, f"library-print-rogovin-old-link-{width}")
    # a permalink lands on the same page and paragraph
    landed = page.url
    page.goto("/passages/rogovin-2009:p1234")
    assert page.url == landed


def test_without_javascript_the_go_to_paragraph_form_finds_it(browser, server):
    context = browser.new_context(base_url=server.url, java_script_enabled=False, viewport=WIDTHS["phone"])
    try:
        page = context.new_page()
        page.goto("/sources/rogovin-2009#p1234")
        assert re.search(r"/sources/rogovin-2009#p1234$", page.url)          # no script: still the first page
        expect(page.get_by_text("Came from a link to a paragraph")).to_be_visible()
        page.get_by_label("Go to paragraph ¶").fill("1234")
        page.get_by_role("button", name="Go").click()
        page.wait_for_url(re.compile(r"/chapters/\d+#p1234$"), wait_until="domcontentloaded", timeout=30_000)
        expect(page.locator("#p1234")).to_be_in_viewport()
        shot(page, "library-print-rogovin-no-js-390")
    finally:
        context.close()


def test_the_library_reads_cleanly(sized):
    page, width = sized
    page.goto("/sources")
    body = page.locator("main").inner_text()
    assert "errata.yaml" not in body and ".txt" not in body and "*" not in body
    expect(page.locator("main em", has_text="Partiia rasstreliannykh")).to_be_visible()
    no_sideways_scroll(page)
    shot(page, f"library-print-sources-{width}")
    page.goto("/sources/goldman-2008")
    front = page.locator("section.front-matter")
    expect(front.get_by_role("heading", name="Front matter")).to_be_visible()
    assert front.locator("h2.passage").count() == 0                  # the title page is not eight big headings
    expect(front.locator("#p3")).to_have_text("Wendy Goldman")
    no_sideways_scroll(page)
    shot(page, f"library-print-goldman-front-matter-{width}")


def test_a_handout_downloads_and_the_preparing_page_says_it_is_ready(context):
    page = context.new_page()
    with page.expect_download(timeout=240_000) as download:      # the worker shares the CPU with the tests
        page.goto("/modules/kirov/handout.pdf?edition=student&form=H")
        expect(page.get_by_role("heading", name="Preparing your handout…")).to_be_visible()
    assert download.value.suggested_filename == "kirov-student-form-H-a4.pdf"
    expect(page.get_by_role("heading", name="Your handout is ready")).to_be_visible()
    expect(page.get_by_role("heading", name="Preparing your handout…")).to_have_count(0)
    expect(page.get_by_role("status")).to_contain_text("It is downloading now.")
    shot(page, "library-print-handout-ready-1280")
    page.set_viewport_size(WIDTHS["phone"])
    no_sideways_scroll(page)
    shot(page, "library-print-handout-ready-390")


@pytest.fixture
def axe_page(browser, server):
    """A page that lets axe's script in (bypass_csp), as tests/e2e/test_accessibility.py does."""
    made = browser.new_context(base_url=server.url, bypass_csp=True, viewport=WIDTHS["wide"])
    made.set_default_timeout(15000)
    yield made.new_page()
    made.close()


def test_the_reader_pages_pass_axe(axe_page):
    page = axe_page
    report = {}
    for name, url in (("goldman", "/sources/goldman-2008"), ("rogovin-first", "/sources/rogovin-2009"),
                      ("rogovin-chapter", "/passages/rogovin-2009:p1234"), ("not-found", "/sources/nope")):
        page.goto(url)
        report[name] = violations(page)
    assert {name: found for name, found in report.items() if found} == {}
