"""The source library: list of sources, a reader for each source, and full-text search.

A long book is read a chapter at a time (corpus/reading.py): ``/sources/<id>`` is its first page, with the contents,
and ``/sources/<id>/chapters/<n>`` the others. An anchor ``#p123`` is on exactly one page; a link made before the
book was cut into pages (``/sources/rogovin-2009#p1234``) is taken to the right page by static/js/reader.js, and
without JavaScript by the reader's "Go to paragraph" form.
"""
from __future__ import annotations

import json
from functools import lru_cache

from flask import Blueprint, abort, redirect, render_template, request, url_for
from markupsafe import Markup

from ..corpus.reading import Layout, emphasis, front_matter_roles, layout
from ..curriculum.markup import render as render_markdown
from .pagecache import fragment, shared_page
from .params import int_arg
from .state import corpus

bp = Blueprint("library", __name__)
PAGE_SIZE = 20
MAX_PAGE = 1000          # 20,000 hits, more than any query finds; a later page is an empty one
MAX_PASSAGE = 10 ** 6


@bp.app_template_filter("source_markdown")
def source_markdown(text: str) -> Markup:
    """A source's description (sources.yaml: stance, how it was made) as sanitized inline HTML: *titles* in italics."""
    return Markup(render_markdown(text, inline=True))


@lru_cache(maxsize=16)
def _layout(version: str, source_id: str) -> Layout:
    return layout(corpus().passages(source_id))


def reading_layout(source_id: str) -> Layout:
    return _layout(corpus().version, source_id)


def page_url(source_id: str, number: int, anchor: str | None = None) -> str:
    """The address of a page of a source (``#anchor`` on it): a page of search results carries twenty."""
    path = _page_path(request.script_root, source_id, max(number, 1))
    return f"{path}#{anchor}" if anchor else path


@lru_cache(maxsize=1024)
def _page_path(script_root: str, source_id: str, number: int) -> str:
    """Routed once per page of a source (the site's root is part of the address), then reused."""
    if number == 1:
        return url_for("library.source", source_id=source_id)
    return url_for("library.source_page", source_id=source_id, number=number)


@bp.app_template_global()
def passage_url(passage_id: str) -> str:
    """Where a passage is read: its page of its source, at its anchor (``/sources/rogovin-2009/chapters/24#p980``)."""
    source_id, _, anchor = passage_id.partition(":")
    number = anchor[1:]
    page = reading_layout(source_id).page_of(int(number)) if number.isdigit() else None
    return page_url(source_id, page or 1, anchor)


@bp.get("/sources")
def sources():
    library = corpus()
    stats = library.stats()["sources"]
    return render_template("library/sources.html", sources=library.sources, stats=stats)


def _reader(source_id: str, number: int):
    library = corpus()
    found = library.source(source_id)
    if found is None:
        abort(404, f"There is no source called {source_id!r}.")
    reading = reading_layout(source_id)
    page = reading.page(number)
    if page is None:
        abort(404, f"{found.title} has {len(reading.pages)} pages; there is no page {number}.")

    def render_body():
        front = page.sections[0] if page.sections[0].is_front else None
        return render_template(
            "library/source_body.html", source=found, page=page, layout=reading, notes=reading.notes,
            linked=reading.linked, front_roles=front_matter_roles(front.passages) if front else {},
            page_url=page_url, runs=json.dumps(reading.runs(), separators=(",", ":")))
    body = fragment(("source", library.version, source_id, number), render_body)
    title = found.title if number == 1 else f"{page.title} · {found.title}"
    return render_template("library/source.html", source=found, body=body, title=title,
                           paginated=reading.paginated)


@bp.get("/sources/<source_id>")
@shared_page(params=())
def source(source_id: str):
    """A source, or the first page of a long one, with its contents: the body is rendered once per corpus version,
    the header per visitor (see pagecache)."""
    return _reader(source_id, 1)


@bp.get("/sources/<source_id>/chapters/<int:number>")
@shared_page(params=())
def source_page(source_id: str, number: int):
    """A later page of a long source: a chapter (with the part title before it, or the endnotes after it)."""
    if number == 1:
        return redirect(url_for("library.source", source_id=source_id), 301)
    return _reader(source_id, number)


@bp.get("/sources/<source_id>/find")
def find(source_id: str):
    """The reader's "Go to paragraph" form (and a way without JavaScript for an old ``#p1234`` link)."""
    if corpus().source(source_id) is None:
        abort(404, f"There is no source called {source_id!r}.")
    n = int_arg("p", 0, 1, MAX_PASSAGE)
    page = reading_layout(source_id).page_of(n)
    if page is None:
        abort(404, f"There is no paragraph {request.args.get('p', '')[:20]!r} in this source.")
    return redirect(page_url(source_id, page, f"p{n}"))


@bp.get("/passages/<passage_id>")
def passage(passage_id: str):
    """A permalink that outlives page layout: redirects to the passage on its page of its source."""
    found = corpus().passage(passage_id)
    if found is None:
        abort(404, f"There is no passage called {passage_id!r}.")
    return redirect(passage_url(found.id))


@bp.get("/search")
def search():
    library = corpus()
    query = request.args.get("q", "").strip()[:300]
    source_id = request.args.get("source") or None
    if source_id and library.source(source_id) is None:
        source_id = None
    page = int_arg("page", 1, 1, MAX_PAGE)
    hits = library.search(query, source=source_id, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE) if query else []
    return render_template("library/search.html", query=query, source_id=source_id, sources=library.sources,
                           hits=hits[:PAGE_SIZE], page=page, more=len(hits) > PAGE_SIZE,
                           labels={s.id: s.label for s in library.sources})


bp.add_app_template_filter(emphasis, "emphasis")
