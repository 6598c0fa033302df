"""A visitor of the served app (gunicorn on loopback): a requests session that signs in and sends forms and JSON
with the CSRF token of the page it came from, as a browser would."""
from __future__ import annotations

import json
import re

import requests

from tests import factories as f

TOKEN = re.compile(r'name="csrf[-_]token" (?:content|value)="([^"]+)"|(?:content|value)="([^"]+)" name="csrf[-_]token"'
                   r'|id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"')


class Visitor:
    def __init__(self, server, address: str | None = None):
        self.url = server.url
        self.http = requests.Session()
        if address:                    # what a proxy would pass on; honoured only where the app trusts a proxy
            self.http.headers["X-Forwarded-For"] = address

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.http.get(self.url + path, allow_redirects=False, timeout=30, **kwargs)

    def token(self, page: str = "/login") -> str:
        match = TOKEN.search(self.get(page).text)
        assert match, f"no CSRF token on {page}"
        return next(g for g in match.groups() if g)

    def post(self, path: str, data: dict | None = None, page: str = "/sources", **kwargs) -> requests.Response:
        data = {**(data or {}), "csrf_token": self.token(page)}
        return self.http.post(self.url + path, data=data, allow_redirects=False, timeout=30, **kwargs)

    def send(self, method: str, path: str, page: str = "/sources", **kwargs) -> requests.Response:
        """A JSON (or raw) request with the CSRF token in its header, as quiz.js sends one."""
        headers = {"X-CSRFToken": self.token(page), **kwargs.pop("headers", {})}
        return self.http.request(method, self.url + path, headers=headers, allow_redirects=False, timeout=30,
                                 **kwargs)

    def sign_in(self, username: str, password: str = f.PASSWORD) -> requests.Response:
        response = self.post("/login", {"username": username, "password": password}, page="/login")
        assert response.status_code == 302, (username, response.status_code)
        return response


def quiz_state(html: str) -> dict:
    """The state a quiz page gives quiz.js: the attempt, its deadline, saved answers and addresses."""
    return json.loads(re.search(r'id="quiz-state">(.*?)</script>', html, re.S)[1])


def start_attempt(visitor: Visitor, assignment_id: int) -> tuple[int, str]:
    """Press Start as a signed-in student: (the attempt's id, the quiz page's HTML)."""
    response = visitor.post(f"/learn/assignments/{assignment_id}/start", page="/learn/")
    assert response.status_code == 200, response.status_code
    return quiz_state(response.text)["attempt"], response.text
