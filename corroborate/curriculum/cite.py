"""An excerpt's citation as a reader would write it: author, title, year and page, never an internal id.

One wording for every place a citation is printed (handouts, exports, the check of rendered text); the web page
builds the same words with ``templates/macros/citation.html`` and adds a link to the passage in context.

- A document printed in a book, with ``author:`` on the excerpt, names who wrote it and then the book:
  "The Central Committee of the party, printed in J. Arch Getty, Oleg V. Naumov, The Road to Terror (Yale
  University Press, 1999), p. 795".
- A compilation record cites the original work, then the compilation: "Davies, Joseph E., Mission to Moscow
  (c1941), p. 82 — quoted in Moscow Trials (Real Stalin Series, 2011)".
- Anything else is the book itself: "Wendy Z. Goldman, Terror and Democracy in the Age of Stalin (Cambridge
  University Press, 2007), p. 86".

:func:`printed_citation` gives the words as plain text; :func:`printed_citation_html` the same words as safe HTML,
each title in ``<cite>`` and everything else escaped (the printed handouts).
"""
from __future__ import annotations

from markupsafe import Markup, escape

from ..corpus.sources import Source
from .model import Excerpt


class Title(str):
    """A title within a citation: in ``<cite>`` where the citation is printed as HTML."""


def _original_parts(citation: dict) -> list[str]:
    title = Title(citation.get("title") or citation.get("raw") or "")
    parts = [f"{citation.get('author') or 'Unknown author'}, ", title]
    if citation.get("container"):
        parts += [", in ", Title(citation["container"])]
    parts.append(f" ({citation['year']})" if citation.get("year") else "")
    parts.append(f", p. {citation['pages']}" if citation.get("pages") else "")
    return parts


def _book_parts(source: Source, page: int | None = None) -> list[str]:
    translated = f", trans. {', '.join(source.translators)}" if source.translators else ""
    where = f", p. {page}" if page else ""
    return [f"{source.byline}, ", Title(source.title), f"{translated} ({source.publisher}, {source.year}){where}"]


def _parts(excerpt: Excerpt, source: Source | None) -> list[str]:
    where = excerpt.locator
    if where and where.citation:
        quoted_in = [Title(source.title), f" ({source.short or 'web compilation'}, {source.year})"] if source \
            else ["a compilation"]
        return [*_original_parts(where.citation), " — quoted in ", *quoted_in]
    if source is None:
        return [excerpt.author or excerpt.title or "Unknown source"]
    cited = _book_parts(source, where.page if where else None)
    return [f"{excerpt.author}, printed in ", *cited] if excerpt.author else cited


def original_work(citation: dict) -> str:
    """The work a compilation quoted, from its parsed citation line."""
    return "".join(_original_parts(citation))


def book(source: Source, page: int | None = None) -> str:
    return "".join(_book_parts(source, page))


def printed_citation(excerpt: Excerpt, source: Source | None) -> str:
    """The excerpt's citation in plain text (the source's title when the source is unknown, never its id)."""
    return "".join(_parts(excerpt, source))


def printed_citation_html(excerpt: Excerpt, source: Source | None) -> Markup:
    """The words of :func:`printed_citation` as safe HTML: titles in ``<cite>``, every other part escaped."""
    return Markup("").join(Markup("<cite>{}</cite>").format(part) if isinstance(part, Title) else escape(part)
                           for part in _parts(excerpt, source) if part)
