"""HTML → PDF with WeasyPrint, safely.

WeasyPrint is imported lazily (it is slow to import and only PDF work needs it). Every resource it asks for — images,
stylesheets, fonts, attachments, including those of stylesheets handed to ``write_pdf`` — goes through
:class:`SafeFetcher`, which serves ``data:`` URLs and files under the app's ``static/`` folder (addressed as
``static:/css/print.css``) and refuses everything else: ``file:``, ``http(s):``, ``ftp:``… A refused resource is
left out of the PDF; the rest still renders.
"""
from __future__ import annotations

import mimetypes
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote

STATIC = Path(__file__).resolve().parents[2] / "static"


class RefusedURL(ValueError):
    """A URL the handout renderer will not fetch."""


def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class SafeFetcher(URLFetcher):
        def __init__(self, static_dir: Path = STATIC):
            super().__init__(timeout=2, allowed_protocols={"data"}, allow_redirects=False)
            self.static_dir = static_dir.resolve()

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith("static:"):
                return self._static(url)
            raise RefusedURL(f"refused to fetch {url[:80]!r}: handouts use only the app's own files")

        def _static(self, url):
            relative = unquote(url.removeprefix("static:").split("?")[0].split("#")[0]).lstrip("/")
            path = (self.static_dir / relative).resolve()
            if not path.is_relative_to(self.static_dir) or not path.is_file():
                raise RefusedURL(f"no such static file: {relative!r}")
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})

    return SafeFetcher


def safe_fetcher():
    return _fetcher_class()()


def render_pdf(html: str | Sequence[str], stylesheets: tuple[str, ...] = (), *, title: str | None = None,
               author: str = "Corroborate", lang: str = "en") -> bytes:
    """Render ``html`` (with ``stylesheets``, paths under static/) to PDF bytes; tagged (PDF/UA) when possible.

    Several HTML documents make one PDF, each laid out on its own: its pages are counted from 1 ("page 2 of 6"
    for each student of a class set) and its running heads are its own."""
    from weasyprint import CSS, HTML

    fetcher = safe_fetcher()
    styles = [CSS(url=f"static:/{sheet}", url_fetcher=fetcher) for sheet in stylesheets]
    documents = [HTML(string=part, base_url="static:/", url_fetcher=fetcher).render(stylesheets=styles)
                 for part in ([html] if isinstance(html, str) else html)]
    rendered = documents[0] if len(documents) == 1 else \
        documents[0].copy([page for document in documents for page in document.pages])
    rendered.metadata.title = title or rendered.metadata.title
    rendered.metadata.authors = [author]
    rendered.metadata.lang = lang
    return rendered.write_pdf(pdf_variant="pdf/ua-1", uncompressed_pdf=False)
