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
"""
from __future__ import annotations

from ..corpus.sources import Source
from .model import Excerpt


def original_work(citation: dict) -> str:
    """The work a compilation quoted, from its parsed citation line."""
    text = f"{citation.get('author') or 'Unknown author'}, {citation.get('title') or citation.get('raw') or ''}"
    text += f", in {citation['container']}" if citation.get("container") else ""
    text += f" ({citation['year']})" if citation.get("year") else ""
    text += f", p. {citation['pages']}" if citation.get("pages") else ""
    return text


def book(source: Source, page: int | None = None) -> str:
    translated = f", trans. {', '.join(source.translators)}" if source.translators else ""
    where = f", p. {page}" if page else ""
    return f"{source.byline}, {source.title}{translated} ({source.publisher}, {source.year}){where}"


def printed_citation(excerpt: Excerpt, source: Source | None) -> str:
    """The excerpt's citation in plain text (the source's title when the source is unknown, never its id)."""
    where = excerpt.locator
    if where and where.citation:
        quoted_in = (f"{source.title} ({source.short or 'web compilation'}, {source.year})" if source
                     else "a compilation")
        return f"{original_work(where.citation)} — quoted in {quoted_in}"
    if source is None:
        return excerpt.author or excerpt.title or "Unknown source"
    cited = book(source, where.page if where else None)
    return f"{excerpt.author}, printed in {cited}" if excerpt.author else cited
