"""Attacks on signing in, tried against the served app (gunicorn, shipped settings)."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

from corroborate.web import throttle
from tests import factories as f
from tests.security.visitor import Visitor


def password_guessing_across_workers(server):
    """Thirty wrong passwords for one account within seconds, spread over gunicorn's four workers (each with its own
    memory): the database-held back-off refuses every try after the threshold, and then the right password too."""
    f.user(server.app, "guessed-student")
    visitor = Visitor(server)
    token = visitor.token("/login")

    def guess(n: int) -> int:
        return visitor.http.post(server.url + "/login", data={"username": "guessed-student", "password": f"guess{n}",
                                                              "csrf_token": token},
                                 allow_redirects=False, timeout=30).status_code
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=4) as pool:
        codes = list(pool.map(guess, range(30)))
    assert time.monotonic() - started < 15
    assert codes.count(200) <= throttle.FROM_ONE_ADDRESS + 4, codes      # 4 may be in flight as the wait lands
    assert codes.count(429) >= 30 - throttle.FROM_ONE_ADDRESS - 4 and set(codes) <= {200, 429}, codes
    right = visitor.http.post(server.url + "/login", data={"username": "guessed-student", "password": f.PASSWORD,
                                                           "csrf_token": token}, allow_redirects=False, timeout=30)
    assert right.status_code == 429 and int(right.headers["Retry-After"]) > 0


SERVED = [password_guessing_across_workers]
