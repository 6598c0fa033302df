"""The source library: list of sources, a reader for each source, and full-text search."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for

from .pagecache import fragment, shared_page
from .params import int_arg
from .state import corpus

bp = Blueprint("library", __name__)
PAGE_SIZE = 20
MAX_PAGE = 1000          # 20,000 hits, more than any query finds; a later page is an empty one


@bp.get("/sources")
def sources():
    library = corpus()
    stats = library.stats()["sources"]
    return render_template("library/sources.html", sources=library.sources, stats=stats)


@bp.get("/sources/<source_id>")
@shared_page(params=())
def source(source_id: str):
    """A whole source: the body is rendered once per corpus version, the header per visitor (see pagecache)."""
    library = corpus()
    found = library.source(source_id)
    if found is None:
        abort(404, f"There is no source called {source_id!r}.")

    def render_body():
        chapters = library.chapters(source_id)
        notes = {p.id: p for chapter in chapters for p in chapter.passages if p.kind == "note"}
        linked = {note_id for chapter in chapters for p in chapter.passages for note_id in p.notes}
        return render_template("library/source_body.html", source=found, chapters=chapters, notes=notes,
                               linked=linked)
    body = fragment(("source", library.version, source_id), render_body)
    return render_template("library/source.html", source=found, body=body)


@bp.get("/passages/<passage_id>")
def passage(passage_id: str):
    """A permalink that outlives page layout: redirects to the passage in its source."""
    found = corpus().passage(passage_id)
    if found is None:
        abort(404, f"There is no passage called {passage_id!r}.")
    return redirect(url_for("library.source", source_id=found.source, _anchor=found.anchor))


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
