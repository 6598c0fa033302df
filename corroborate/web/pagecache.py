"""Rendering once what many requests share.

:func:`fragment` keeps a rendered piece of a page (a lesson's body) by a key naming what it depends on.

Some pages are the same for every visitor of one *audience*, apart from the site header, which names whoever is
signed in: the unit page, lessons, comparison views. Their views are marked with :func:`shared_page`. Such a page
is rendered with a slot where the header goes; what surrounds the slot is kept per path and audience ("public" for
visitors who are not signed in, else the visitor's role), and the header per session cookie.

:class:`PageCache`, WSGI middleware in front of Flask, answers the next GET of that path before Flask does any work:
- without a cookie, with the public page;
- with a session cookie it has seen rendered, with the page of that visitor's audience around their own header,
  once one indexed query has confirmed that their login session is still live (signing out anywhere, or a
  password reset, takes effect at once);
- with a 304 when the browser already holds that page: the ETag names both the page and the header.
Anything else goes to Flask, which renders and fills the cache: a cookie not seen yet, a session that carries a
message for the visitor (it is shown in the page), a header older than ``VISITOR_TTL``. The built curriculum never
changes within a process, so neither do these pages.

A shared page is kept by its path and only the query parameters its view reads (``@shared_page(params=...)``, an
allow-list, as Flask-Caching's ``query_string`` keys do): ``/sources/x?utm=1`` is the page of ``/sources/x``, not a
page of its own. Every cache here is an :class:`LRU` bounded by the bytes it holds, so no sequence of requests can
grow a worker past its budgets.

A page that differs per request only in a few values (the site header differs in the visitor's name and CSRF token;
the quiz page in the attempt, its questions and the header) is kept as a :class:`Shell`: rendered once with a
:func:`hole` where each value goes, then filled by joining strings.
"""
from __future__ import annotations

import hashlib
import re
import sys
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, fields, is_dataclass
from functools import wraps
from typing import Callable
from urllib.parse import urlencode

from flask import current_app, g, make_response, render_template, request, session
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape
from werkzeug.http import parse_cookie
from werkzeug.wrappers import Request

# Budgets of each worker (gunicorn.conf.py runs 4), in bytes, as size_of counts them. The seeds' five source readers
# are 5.7 MB of pages per audience (public, student, teacher), the lessons some 10 kB each: 40 MB keeps every shared
# page for every audience, with room for twice the sources. Their bodies, as fragments, are 11 MB (str holds their
# text at 2 bytes a character): 24 MB. A signed-in visitor (cookie and header) is under 2 kB: 8 MB keeps some 4,000
# of them, and the oldest beyond that are rendered by Flask again. Together some 80 MB a worker, whatever is asked.
MB = 2**20
PAGE_BYTES = 40 * MB
FRAGMENT_BYTES = 24 * MB
SHELL_BYTES = 4 * MB                # the site header per role and the quiz page per module version (some kB each)
VISITOR_BYTES = 8 * MB
PARAMS_BYTES = 1 * MB               # the query parameters each shared path reads: some 100 bytes a path
VISITOR_TTL = 600.0                 # seconds a visitor's header is served before Flask renders it afresh
PUBLIC = "public"
RENDERED = "corroborate.shared_page"        # WSGI environ key: what a shared page's render leaves for PageCache
_HOLE = re.compile(r"<!--corroborate:hole:(\w+)-->")


def hole(name: str) -> Markup:
    """Where a value of a :class:`Shell` goes; it passes through templates and their escaping unchanged."""
    return Markup(f"<!--corroborate:hole:{name}-->")


SLOT = hole("site_header")


def size_of(value) -> int:
    """Roughly the bytes ``value`` holds: its strings and bytes, through tuples, lists and dataclasses."""
    if isinstance(value, (tuple, list)):
        return sys.getsizeof(value) + sum(size_of(item) for item in value)
    if is_dataclass(value):
        return sys.getsizeof(value) + sum(size_of(getattr(value, field.name)) for field in fields(value))
    return sys.getsizeof(value)         # a str's own size counts 1, 2 or 4 bytes a character, as CPython stores it


class LRU:
    """Values by key, bounded by the bytes they hold (:func:`size_of` key and value), and by ``max_entries`` if given:
    a new value drops the least recently used ones until the cache is within its bounds again. A value larger than
    the whole budget is not kept. Safe to share between the threads of a worker."""

    def __init__(self, max_bytes: int, max_entries: int | None = None):
        self.max_bytes, self.max_entries = max_bytes, max_entries
        self.held = 0                   # bytes
        self._entries: OrderedDict[object, tuple[object, int]] = OrderedDict()     # key: (value, its bytes)
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key) -> bool:
        return key in self._entries

    def get(self, key, make: Callable[[], object] | None = None):
        """The value of ``key``; if there is none, ``make()`` kept (or None, without ``make``)."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found[0]
        if make is None:
            return None
        value = make()
        self.put(key, value)
        return value

    def put(self, key, value) -> None:
        size = size_of(key) + size_of(value)
        with self._lock:
            self._drop(key)
            if size > self.max_bytes:
                return
            self._entries[key] = (value, size)
            self.held += size
            while self.held > self.max_bytes or (self.max_entries is not None and len(self) > self.max_entries):
                self._drop(next(iter(self._entries)))

    def pop(self, key) -> None:
        with self._lock:
            self._drop(key)

    def _drop(self, key) -> None:
        dropped = self._entries.pop(key, None)
        if dropped is not None:
            self.held -= dropped[1]


_fragments = LRU(FRAGMENT_BYTES)
_shells = LRU(SHELL_BYTES)


def fragment(key: tuple, render) -> Markup:
    """A rendered piece of a page that depends only on ``key`` (e.g. module version and audience), made once."""
    return _fragments.get(key, lambda: Markup(render()))


@dataclass(frozen=True)
class Shell:
    """A page rendered once with holes: the text around them, and the name of each hole in order."""
    parts: tuple[str, ...]
    holes: tuple[str, ...]

    @classmethod
    def of(cls, html: str) -> "Shell":
        """The shell of ``html`` rendered with :func:`hole` where its values go."""
        pieces = _HOLE.split(str(html))
        return cls(tuple(pieces[0::2]), tuple(pieces[1::2]))

    def fill(self, **values: str) -> Markup:
        """The page with each hole filled by the value of its name; values are inserted as they are (escape them)."""
        pieces = [self.parts[0]]
        for name, part in zip(self.holes, self.parts[1:]):
            pieces += (values[name], part)
        return Markup("".join(pieces))


def shell(key: tuple, render: Callable[[], str]) -> Shell:
    """The shell that ``render()`` makes (it places the holes), made once per ``key``."""
    return _shells.get(key, lambda: Shell.of(render()))


def page_shell(key: tuple, render: Callable[[], str]) -> Shell:
    """A whole page as a :func:`shell`, with the hole ``site_header`` where the site header goes."""
    def render_around_the_header() -> str:
        outer, g.header_slot = g.get("header_slot"), True
        try:
            return render()
        finally:
            g.header_slot = outer
    return shell(key, render_around_the_header)


def site_header() -> Markup:
    """The site header of this page (templates call it); in a shared page, the slot that it fills.

    It is a shell per audience, with holes for the visitor's name, their CSRF token and the search box's query."""
    if g.get("header_slot"):
        return SLOT
    user = current_user._get_current_object()          # looked up once, not on each use of the proxy
    role = user.role if user.is_authenticated else None
    header = shell(("site-header", role), lambda: render_template(
        "site_header.html", role=role, username=hole("username"), csrf=hole("csrf"), query=hole("query")))
    query = request.args.get("q", "") if request.endpoint == "library.search" else ""
    if role is None:
        return header.fill(query=escape(query))
    return header.fill(username=escape(user.username), csrf=escape(generate_csrf()), query=escape(query))


@dataclass(frozen=True)
class Header:
    html: bytes
    tag: str


@dataclass(frozen=True)
class Rendered:
    params: tuple[str, ...]         # the query parameters the view reads
    audience: str
    prefix: bytes
    suffix: bytes
    page_tag: str                   # of the page around the header
    header: Header
    token: str | None               # the visitor's login session, if signed in
    valid_until: float              # when their header must be rendered afresh


def _tag(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=8).hexdigest()


def _etag(page_tag: str, header_tag: str) -> str:
    """A shared page's validator: the page around the header, and the header (which names the visitor)."""
    return f"{page_tag}-{header_tag}"


def shared_page(*, params: tuple[str, ...]):
    """Marks a view whose page is the same for every visitor of an audience, given its path and the query parameters
    in ``params``: list every parameter the view (and its templates) read from ``request.args``, and only those. The
    page is kept by those alone; other parameters (``?utm=...``) get the same page."""
    params = tuple(sorted(params))

    def decorate(view):
        @wraps(view)
        def wrapper(*args, **kwargs):
            g.header_slot = not session.get("_flashes")      # a waiting message makes the page the visitor's own
            response = make_response(view(*args, **kwargs))
            if not g.header_slot:
                return response
            g.header_slot = False
            body = response.get_data()
            prefix, slot, suffix = body.partition(str(SLOT).encode())
            if not slot:
                return response
            header = site_header().encode()
            rendered = Rendered(params, _audience(), prefix, suffix, _tag(prefix + suffix),
                                Header(header, _tag(header)), *_visitor())
            response.set_data(prefix + header + suffix)
            if current_user.is_authenticated:
                response.headers["Cache-Control"] = "private, no-cache"
            if response.status_code == 200:
                response.set_etag(_etag(rendered.page_tag, rendered.header.tag))
                request.environ[RENDERED] = rendered
                response.make_conditional(request)
            return response
        return wrapper
    return decorate


def page_key(environ, params: tuple[str, ...]) -> str:
    """A shared page's key: its path and the values of ``params`` (sorted by name) in the query string, read as
    ``request.args`` reads them; ``/search?q=a&utm=1`` with ``params=("q",)`` is ``/search?q=a``."""
    key = environ.get("PATH_INFO", "") + "?"
    if not params or not environ.get("QUERY_STRING"):
        return key
    args = Request(environ, populate_request=False).args
    return key + urlencode([(name, value) for name in params for value in args.getlist(name)])


def _audience() -> str:
    return current_user.role if current_user.is_authenticated else PUBLIC


def _visitor() -> tuple[str | None, float]:
    if not current_user.is_authenticated:
        return None, 0.0
    app = current_app
    cookie = request.cookies.get(app.config["SESSION_COOKIE_NAME"], "")
    try:
        _, signed_at = app.session_interface.get_signing_serializer(app).loads(cookie, return_timestamp=True)
    except Exception:                          # noqa: BLE001 - no usable cookie: nothing to remember this visitor by
        return None, 0.0
    expires = signed_at.timestamp() + app.permanent_session_lifetime.total_seconds()
    return current_user.session_token, min(time.time() + VISITOR_TTL, expires)


@dataclass(frozen=True)
class Page:
    status: str
    headers: list[tuple[str, str]]
    prefix: bytes
    suffix: bytes
    tag: str


@dataclass(frozen=True)
class Visitor:
    audience: str
    header: Header
    token: str
    valid_until: float


class PageCache:
    """``is_live(token)`` says whether a login session is still live; it is asked on every signed-in hit."""

    def __init__(self, app, session_cookie: str, is_live: Callable[[str], bool]):
        self.app, self.session_cookie, self.is_live = app, session_cookie, is_live
        self.params = LRU(PARAMS_BYTES)          # path: the query parameters its view reads, once it has rendered
        self.pages = LRU(PAGE_BYTES)             # (page_key, audience): Page
        self.visitors = LRU(VISITOR_BYTES)       # session cookie: Visitor
        self.public_header: Header | None = None

    def __call__(self, environ, start_response):
        if environ["REQUEST_METHOD"] != "GET":
            return self.app(environ, start_response)
        cookies = environ.get("HTTP_COOKIE")
        cookie = parse_cookie(cookies).get(self.session_cookie) if cookies else None
        params = self.params.get(environ.get("PATH_INFO", ""))
        if params is not None:
            served = self._serve(page_key(environ, params), cookies, cookie, environ, start_response)
            if served is not None:
                return served
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info)
        chunks = self.app(environ, capture)
        rendered: Rendered | None = environ.get(RENDERED)
        if rendered is not None and "status" in captured:
            self.params.put(environ.get("PATH_INFO", ""), rendered.params)
            self._keep(page_key(environ, rendered.params), cookie, rendered, captured["status"], captured["headers"])
        return chunks

    def _serve(self, key: str, cookies: str | None, cookie: str | None, environ, start_response):
        if not cookies:
            page, header = self.pages.get((key, PUBLIC)), self.public_header
        else:
            visitor = self.visitors.get(cookie) if cookie else None
            if visitor is None or visitor.valid_until < time.time():
                return None
            page, header = self.pages.get((key, visitor.audience)), visitor.header
            if page is not None and not self._live(visitor.token):
                self.visitors.pop(cookie)
                return None
        if page is None or header is None:
            return None
        etag = f'"{_etag(page.tag, header.tag)}"'
        if etag in environ.get("HTTP_IF_NONE_MATCH", ""):
            start_response("304 NOT MODIFIED", [*page.headers, ("ETag", etag)])
            return [b""]
        body = page.prefix + header.html + page.suffix
        start_response(page.status, [*page.headers, ("ETag", etag), ("Content-Length", str(len(body)))])
        return [body]

    def _live(self, token: str) -> bool:
        try:
            return self.is_live(token)
        except Exception:                      # noqa: BLE001 - the database is out of reach: let Flask answer
            return False

    def _keep(self, key: str, cookie: str | None, rendered: Rendered, status: str, headers) -> None:
        kept = [(name, value) for name, value in headers
                if name.lower() not in ("content-length", "set-cookie", "etag")]
        page = Page(status, kept, rendered.prefix, rendered.suffix, rendered.page_tag)
        self.pages.put((key, rendered.audience), page)
        if rendered.audience == PUBLIC:
            self.public_header = rendered.header
        elif cookie and rendered.token and not any(name.lower() == "set-cookie" for name, _ in headers):
            # (a response that changes the cookie is remembered by its next request, under the new cookie)
            self.visitors.put(cookie, Visitor(rendered.audience, rendered.header, rendered.token, rendered.valid_until))
