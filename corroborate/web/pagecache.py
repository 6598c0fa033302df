"""Rendering once what many requests share.

:func:`fragment` keeps a rendered piece of a page (a lesson's body) by a key naming what it depends on.

Pages that are the same for every visitor who is not signed in (the unit page, lessons, comparison views) are
rendered once per process and then served before Flask does any work.

A view marked with :func:`shared_page` renders normally; when the visitor has no session, the response is tagged,
and :class:`PageCache` (WSGI middleware) keeps it by path. The next request for that path without a session cookie
gets the stored bytes straight away. The built curriculum never changes within a process, so neither do these
pages; a visitor with a session (signed in, or with a message waiting) always gets a fresh render.
"""
from __future__ import annotations

from functools import wraps

from flask import make_response, session
from flask_login import current_user
from markupsafe import Markup

TAG = "X-Corroborate-Shared-Page"
MAX_PAGES = 512
_fragments: dict[tuple, Markup] = {}


def fragment(key: tuple, render) -> Markup:
    """A rendered piece of a page that depends only on ``key`` (e.g. module version and audience), made once."""
    if key not in _fragments:
        if len(_fragments) >= MAX_PAGES:
            _fragments.clear()
        _fragments[key] = Markup(render())
    return _fragments[key]


def shared_page(view):
    @wraps(view)
    def wrapper(*args, **kwargs):
        response = make_response(view(*args, **kwargs))
        if response.status_code == 200 and not current_user.is_authenticated and not session:
            response.headers[TAG] = "1"
        return response
    return wrapper


class PageCache:
    def __init__(self, app):
        self.app = app
        self.pages: dict[str, tuple[str, list[tuple[str, str]], bytes]] = {}

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] != "GET" or environ.get("HTTP_COOKIE"):
            return self.app(environ, self._strip(start_response))
        key = environ.get("PATH_INFO", "") + "?" + environ.get("QUERY_STRING", "")
        found = self.pages.get(key)
        if found is not None:
            status, headers, body = found
            start_response(status, headers)
            return [body]
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, [h for h in headers if h[0] != TAG], exc_info)
        chunks = self.app(environ, capture)
        if not any(name == TAG for name, _ in captured.get("headers", ())):
            return chunks
        body = b"".join(chunks)
        if hasattr(chunks, "close"):
            chunks.close()
        if len(self.pages) >= MAX_PAGES:
            self.pages.clear()
        self.pages[key] = (captured["status"], [h for h in captured["headers"] if h[0] != TAG], body)
        return [body]

    @staticmethod
    def _strip(start_response):
        def strip(status, headers, exc_info=None):
            return start_response(status, [h for h in headers if h[0] != TAG], exc_info)
        return strip
