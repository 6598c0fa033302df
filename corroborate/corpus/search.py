"""Full-text search over passages with SQLite FTS5 and BM25 ranking.

User input never reaches FTS5's query syntax: the query is cut into words, stopwords are dropped, and each remaining
word is quoted, so ``NEAR``, ``*``, ``"`` or ``)`` are plain text. Words are joined with OR and BM25 ranks passages
that contain more (and rarer) of them higher; the porter stemmer lets "confess" find "confessions".
"""
from __future__ import annotations

import html
import re
import sqlite3
from dataclasses import dataclass

WORD = re.compile(r"\w+", re.UNICODE)
STOPWORDS = frozenset("""
a about after again all also am an and any are as at be because been before being between both but by can could
did do does doing down during each few for from further had has have having he her here hers him his how i if in
into is it its itself just me more most my no nor not now of off on once only or other our out over own same she
should so some such than that the their them then there these they this those through to too under until up very
was we were what when where which while who whom why will with would you your
""".split())

SCHEMA = """
CREATE VIRTUAL TABLE passage_fts USING fts5(
    text, extra, content='passages', content_rowid='rowid',
    tokenize='porter unicode61 remove_diacritics 2'
);
"""
OPEN, CLOSE = "\x02", "\x03"  # snippet highlight sentinels, replaced after HTML escaping

# How much each kind of passage counts: a heading or an index-like note repeating a name is rarely what a reader wants.
KIND_WEIGHT = "CASE passages.kind WHEN 'body' THEN 1.0 WHEN 'record' THEN 1.0 WHEN 'note' THEN 0.6 ELSE 0.4 END"


@dataclass(frozen=True)
class SearchHit:
    passage: str
    source: str
    text: str
    snippet: str       # safe HTML: escaped text with <mark> around matched words
    score: float
    kind: str
    chapter: str | None
    page: int | None

    def to_json(self) -> dict:
        return {"passage": self.passage, "source": self.source, "text": self.text, "score": round(self.score, 4),
                "snippet": self.snippet, "kind": self.kind, "chapter": self.chapter, "page": self.page}


def fts_query(query: str) -> str | None:
    """A safe FTS5 query for free text, or None when nothing searchable is left."""
    terms = [w.lower() for w in WORD.findall(query)]
    kept = [t for t in terms if t not in STOPWORDS] or terms
    unique = list(dict.fromkeys(kept))[:32]
    if not unique:
        return None
    return " OR ".join(f'"{t}"' for t in unique)


def index_passages(connection: sqlite3.Connection) -> None:
    connection.executescript(SCHEMA)
    connection.execute("INSERT INTO passage_fts(rowid, text, extra) SELECT rowid, text, extra FROM passages")


def search(connection: sqlite3.Connection, query: str, source: str | None = None, limit: int = 20,
           offset: int = 0) -> list[SearchHit]:
    match = fts_query(query)
    if match is None:
        return []
    sql = f"""
        SELECT passages.id, passages.source, passages.text, passages.kind, passages.chapter, passages.page,
               snippet(passage_fts, 0, '{OPEN}', '{CLOSE}', '…', 28),
               bm25(passage_fts, 1.0, 0.5) * {KIND_WEIGHT} AS rank
        FROM passage_fts JOIN passages ON passages.rowid = passage_fts.rowid
        WHERE passage_fts MATCH ? {"AND passages.source = ?" if source else ""}
        ORDER BY rank LIMIT ? OFFSET ?
    """
    params: list = [match] + ([source] if source else []) + [limit, offset]
    return [
        SearchHit(pid, src, text, _highlight(snip), -rank, kind, chapter, page)
        for pid, src, text, kind, chapter, page, snip, rank in connection.execute(sql, params)
    ]


def _highlight(snippet: str) -> str:
    return html.escape(snippet).replace(OPEN, "<mark>").replace(CLOSE, "</mark>")
