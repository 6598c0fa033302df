"""CI's proof of the README's first command, as a new user types it on a fresh machine.

In a throwaway clone of this checkout (so no .venv: `make run` builds one from requirements.txt alone), run
`make run PORT=<a free loopback port>`, wait until it serves, check the pages a new user opens first, then stop
everything `make run` started by its process group. One line per check; exit 1 if any failed.
Standard library only: it runs with the machine's python3, before any virtualenv exists.
"""
from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVE_TIMEOUT = 900      # a fresh virtualenv, the corpus, the curriculum and its handouts are built first
HANDOUT_TIMEOUT = 60     # a handout not yet rendered answers 202 "Preparing…" until the job queue's worker made it


class Browser:
    """A cookie-keeping HTTP client for one server."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str, data: dict | None = None) -> tuple[int, str, bytes]:
        """(status, final URL, body) of a GET, or of a POST when ``data`` is given; redirects are followed."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, data=body, timeout=30) as response:
                return response.status, response.url, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.url, error.read()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def first_link(page: bytes, pattern: str) -> str | None:
    found = re.search(pattern.encode(), page)
    return found.group(0).decode() if found else None


def wait_until_serving(browser: Browser, make: subprocess.Popen) -> bool:
    deadline = time.monotonic() + SERVE_TIMEOUT
    while time.monotonic() < deadline:
        if make.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(browser.base + "/", timeout=5):
                return True
        except (OSError, urllib.error.URLError):
            time.sleep(2)
    return False


WHAT_SIGN_IN = ("the demo teacher signs in with the one-time password in instance/demo-logins.txt and is asked to "
                "choose their own")


def checks(browser: Browser, instance: Path):
    """Yield (what was checked, passed, detail) for each page a new user opens first."""
    status, _, home = browser.get("/")
    yield "/ (the unit page)", status == 200, f"status {status}"

    module = first_link(home, r"/modules/[a-z0-9-]+")
    status, _, page = browser.get(module) if module else (0, "", b"")
    yield f"a module page ({module})", status == 200 and b"<h1" in page, f"status {status}"

    _, _, library = browser.get("/sources")
    source = first_link(library, r"/sources/[a-z0-9-]+")
    status, _, page = browser.get(source) if source else (0, "", b"")
    yield f"the source reader ({source})", status == 200 and b'id="p1"' in page, f"status {status}"

    status, _, page = browser.get("/search?q=Kirov")
    yield "a search (/search?q=Kirov)", status == 200 and b"Kirov" in page, f"status {status}"

    handout = f"{module}/handout.pdf?edition=student&form=B&paper=letter"      # not made by setup: the worker makes it
    deadline, status, pdf = time.monotonic() + HANDOUT_TIMEOUT, 0, b""
    while time.monotonic() < deadline:
        status, _, pdf = browser.get(handout)
        if status != 202:
            break
        time.sleep(2)
    yield f"a student handout ({handout})", status == 200 and pdf.startswith(b"%PDF"), \
        f"status {status}, starts {pdf[:5]!r}"

    status, _, page = browser.get("/login")
    yield "the sign-in page (/login)", status == 200, f"status {status}"

    logins = (instance / "demo-logins.txt").read_text() if (instance / "demo-logins.txt").exists() else ""
    teacher = re.search(r"^\s*teacher\s+(\S+)\s+(\S+)\s*$", logins, re.MULTILINE)
    token = first_link(page, r'name="csrf_token" type="hidden" value="[^"]+"') or \
        first_link(page, r'name="csrf_token" value="[^"]+"')
    if teacher and token:
        form = {"csrf_token": token.rsplit('"', 2)[-2], "username": teacher.group(1), "password": teacher.group(2)}
        status, url, _ = browser.get("/login", form)
        signed_in = status == 200 and urllib.parse.urlsplit(url).path == "/account/password"
        yield WHAT_SIGN_IN, signed_in, f"status {status}, at {url}"
    else:
        yield WHAT_SIGN_IN, False, "no teacher in demo-logins.txt" if not teacher else "no CSRF token on /login"


def stop(make: subprocess.Popen) -> bool:
    """End `make run` and everything it started (gunicorn's master and workers) by its process group."""
    for sig, grace in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(make.pid, sig)
        except ProcessLookupError:
            return True
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            make.poll()
            try:
                os.killpg(make.pid, 0)
            except ProcessLookupError:
                return True
            time.sleep(0.5)
    return False


def main() -> int:
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="corroborate-first-run-"))
    clone = work / "corroborate"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True)
    port = free_port()
    log_path = work / "make-run.log"
    print(f"first run: `make run PORT={port}` in a fresh clone with no .venv (log: {log_path})", flush=True)
    with open(log_path, "wb") as log:
        make = subprocess.Popen(["make", "run", f"PORT={port}"], cwd=clone, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    browser = Browser(f"http://127.0.0.1:{port}")
    failed = 0
    try:
        if not wait_until_serving(browser, make):
            print(f"first run: FAILED: `make run` did not serve on port {port} "
                  f"({'it exited with ' + str(make.returncode) if make.returncode is not None else 'timed out'}); "
                  "its last lines:")
            print("\n".join("    " + line for line in log_path.read_text(errors="replace").splitlines()[-25:]))
            return 1
        print(f"first run: serving after {time.monotonic() - started:.0f} s", flush=True)
        dev_only = subprocess.run([str(clone / ".venv/bin/python"), "-c", "import pytest"], capture_output=True)
        failed += dev_only.returncode == 0
        print(f"first run: {'ok' if dev_only.returncode else 'FAILED'}: the virtualenv holds requirements.txt only "
              f"({'pytest absent' if dev_only.returncode else 'pytest is installed'})")
        for what, passed, detail in checks(browser, clone / "instance"):
            failed += not passed
            print(f"first run: {'ok' if passed else 'FAILED'}: {what}: {detail}", flush=True)
    finally:
        stopped = stop(make)
        print(f"first run: {'ok' if stopped else 'FAILED'}: everything `make run` started has stopped")
        failed += not stopped
        if stopped:
            shutil.rmtree(work, ignore_errors=True)
    print(f"first run: {'passed' if not failed else f'{failed} check(s) FAILED'} "
          f"in {time.monotonic() - started:.0f} s", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
