"""Benchmark: req/s of a lesson page (/modules/kirov; shared and signed-in), a source reader page and search against
a bare Flask hello-world, under the same gunicorn settings (gunicorn.conf.py: 4 gthread workers × 2 threads),
measured with wrk on loopback.

Run: .venv/bin/python bench/page_throughput.py [--seconds 15] [--rounds 3]    Target: lesson page >= 0.7 × hello-world.
Needs wrk (Debian: apt-get install wrk).
"""
from __future__ import annotations

import argparse
import http.cookiejar
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.serve import flask, gunicorn, instance  # noqa: E402


BROWSER = "Mozilla/5.0 (X11; CrOS x86_64) corroborate-bench"


def wrk(url: str, seconds: int, connections: int = 64, cookie: str | None = None) -> float:
    # a signed-in browser sends its session cookie and the same User-Agent as when it signed in (Flask-Login's
    # session protection marks a session whose browser changed as not fresh, which rewrites the cookie)
    headers = ["-H", f"Cookie: {cookie}", "-H", f"User-Agent: {BROWSER}"] if cookie else []
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", *headers, url],
                         capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors[1]} error responses")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])


def signed_in_cookie(url: str, username: str, password: str, page: str) -> str:
    """Sign in through the login form (with its CSRF token), open ``page`` once as a browser would (keeping any
    cookie it sets) and return the session cookie as the browser now holds it."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", BROWSER)]
    form = opener.open(url + "/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)[1]
    data = urllib.parse.urlencode({"username": username, "password": password, "csrf_token": token}).encode()
    opener.open(url + "/login", data=data)
    opener.open(url + page).read()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    again = urllib.request.urlopen(urllib.request.Request(url + page, headers={"Cookie": cookie,
                                                                                "User-Agent": BROWSER}))
    if again.headers.get("Set-Cookie"):
        raise RuntimeError("the session cookie still changes from one request to the next")
    return cookie


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15, help="measured per page in all, spread over the rounds")
    parser.add_argument("--rounds", type=int, default=3,
                        help="each round measures hello-world and every page once, in turn; the figures are the "
                             "medians (this machine's speed drifts within a minute, so one long run of each is not "
                             "a fair pair)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    each = max(2, round(args.seconds / args.rounds))
    with tempfile.TemporaryDirectory() as folder:
        env = instance(folder)
        flask(env, "users", "create-teacher", "bench", "--name", "Bench Teacher", "--password", "bench password")
        with gunicorn("bench.hello_app:app", env) as hello_url, \
                gunicorn("app:create_app()", env, ready_path="/sources") as url:
            cookie = signed_in_cookie(url, "bench", "bench password", "/modules/kirov")
            runs = {"hello": (hello_url + "/", None), "lesson": (url + "/modules/kirov", None),
                    "lesson_signed_in": (url + "/modules/kirov", cookie),
                    "reader": (url + "/sources/goldman-2008", None),
                    "search": (url + "/search?q=Bukharin+confess", None)}
            for target, with_cookie in runs.values():
                wrk(target, 2, cookie=with_cookie)
            figures: dict[str, list[float]] = {name: [] for name in runs}
            for _ in range(args.rounds):
                for name, (target, with_cookie) in runs.items():
                    figures[name].append(wrk(target, each, cookie=with_cookie))
    hello, lesson, lesson_signed_in, reader, search = (statistics.median(figures[name]) for name in runs)
    print(f"medians of {args.rounds} rounds of {each} s each; hello-world per round: "
          f"{', '.join(f'{v:.0f}' for v in figures['hello'])} req/s")
    print(f"hello-world            {hello:8.0f} req/s")
    print(f"lesson /modules/kirov, not signed in (shared page)  {lesson:8.0f} req/s  ({lesson / hello:.2f} × "
          "hello-world; target >= 0.70)")
    print(f"lesson /modules/kirov, signed in (shared page, own header)  {lesson_signed_in:8.0f} req/s  "
          f"({lesson_signed_in / hello:.2f} × hello-world; target >= 0.70)")
    print(f"reader /sources/goldman-2008 {reader:8.0f} req/s  ({reader / hello:.2f} ×)")
    print(f"search (Bukharin confess)    {search:8.0f} req/s  ({search / hello:.2f} ×)")


if __name__ == "__main__":
    main()
