"""Real-browser fixtures: the app served by gunicorn on loopback, Debian's Chromium driven by Playwright.

Every test here is marked ``browser`` (run them alone with ``make test-browser``). Screenshots of key pages go to
``test-artifacts/`` (git-ignored).
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
TEACHER_PASSWORD = "a teacher password"


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving create_app() as a deployment would, restartable (and killable) by the tests."""

    def __init__(self, folder: Path, cache: Path):
        self.folder, self.port = folder, free_port()
        self.env = {**os.environ, "CORROBORATE_INSTANCE": str(folder / "instance"), "CORROBORATE_CACHE": str(cache),
                    "DATABASE_URL": f"sqlite:///{folder / 'e2e.sqlite3'}", "SECRET_KEY": "e2e-secret",
                    "RATELIMIT_STORAGE_URI": "memory://"}
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def flask(self, *args: str) -> str:
        done = subprocess.run([str(BIN / "flask"), "--app", "app", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self) -> None:
        with open(self.folder / "gunicorn.log", "ab") as log:
            self.process = subprocess.Popen(
                [str(BIN / "gunicorn"), "--workers", "2", "--threads", "4", "--bind", f"127.0.0.1:{self.port}",
                 "app:create_app()"], cwd=ROOT, env=self.env, stdout=log, stderr=log, start_new_session=True)
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{self.url}/sources", timeout=2)
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start; see " + str(self.folder / "gunicorn.log"))

    def kill(self) -> None:
        """kill -9 the master and its workers, as a crash would."""
        if self.process:
            os.killpg(self.process.pid, signal.SIGKILL)      # master and workers: its own process group
            self.process.wait(timeout=10)
            self.process = None

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is required for the browser tests (make test installs it as root)")
    folder = tmp_path_factory.mktemp("e2e")
    cache = tmp_path_factory.mktemp("e2e-cache")
    running = Server(folder, cache)
    running.flask("db", "upgrade")
    running.flask("curriculum", "build")
    running.flask("users", "create-teacher", "rivera", "--name", "Ms Rivera", "--password", TEACHER_PASSWORD)
    running.start()
    yield running
    running.stop()


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
