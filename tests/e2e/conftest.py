"""Real-browser fixtures: the app served by gunicorn on loopback, Debian's Chromium driven by Playwright.

Every test here is marked ``browser`` (run them alone with ``make test-browser``). Screenshots of key pages go to
``test-artifacts/`` (git-ignored).
"""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.servers import ROOT, Server
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
TEACHER_PASSWORD = "a teacher password"


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is required for the browser tests (make test installs it as root)")
    running = started_server(tmp_path_factory, "e2e")
    yield running
    running.stop()


def started_server(tmp_path_factory, name: str, **settings: str) -> Server:
    """A fresh install served by gunicorn (with its job worker): migrated, the curriculum built, and the teacher
    rivera. ``settings`` are environment variables of the install."""
    running = Server(tmp_path_factory.mktemp(name), tmp_path_factory.mktemp(f"{name}-cache"), **settings)
    running.flask("db", "upgrade")
    running.flask("curriculum", "build")
    running.flask("users", "create-teacher", "rivera", "--name", "Ms Rivera", "--password", TEACHER_PASSWORD)
    running.start()
    return running


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def context(browser, server):
    made = browser.new_context(base_url=server.url, viewport={"width": 1280, "height": 900}, accept_downloads=True)
    made.set_default_timeout(15000)
    yield made
    made.close()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def shots_at_both_widths(page, name: str) -> None:
    """Screenshots ``<name>-1280`` and ``<name>-390``; at 390 px (a phone) the page must not scroll sideways."""
    shot(page, f"{name}-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    shot(page, f"{name}-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert width <= 390, f"{name} is {width} px wide on a 390 px phone"
