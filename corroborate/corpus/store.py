"""Build the corpus once, cache it by content hash, and read it back cheaply.

The cache is one SQLite file, ``corpus-<hash>.sqlite``, whose name is the hash of everything the build reads: the
seeds, ``sources.yaml``, ``errata.yaml`` and the corpus code. A warm start only hashes the inputs and opens the file;
any change to an input builds a new file (written beside and renamed into place, so a reader never sees half a build).
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
import threading
from collections import defaultdict, deque
from pathlib import Path

from . import search as fts
from .formats import FORMATS, READERS
from .locate import Hit, Miss, SourceText, compare, find_in, plain_quote, quote_pattern
from .passages import Block, Citation, Passage, number_blocks
from .sources import Seeds, SeedError, Source, load_seeds

CODE_DIR = Path(__file__).parent
SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sources (id TEXT PRIMARY KEY, position INTEGER NOT NULL, data TEXT NOT NULL);
CREATE TABLE passages (
    rowid INTEGER PRIMARY KEY, id TEXT UNIQUE NOT NULL, source TEXT NOT NULL, n INTEGER NOT NULL,
    kind TEXT NOT NULL, chapter TEXT, page INTEGER, text TEXT NOT NULL, extra TEXT NOT NULL, data TEXT NOT NULL
);
CREATE INDEX passages_source ON passages (source, n);
"""


def content_hash(seeds_dir: Path) -> str:
    digest = hashlib.sha256()
    inputs = sorted(seeds_dir.glob("*.txt")) + [seeds_dir / "sources.yaml", seeds_dir / "errata.yaml"]
    inputs += sorted(CODE_DIR.glob("*.py"))
    for path in inputs:
        digest.update(path.name.encode())
        try:
            digest.update(path.read_bytes())
        except FileNotFoundError:
            digest.update(b"<missing>")
        except OSError as error:
            raise SeedError(f"{path}: cannot read ({error.strerror})") from None
    return digest.hexdigest()[:16]


def read_source(seeds: Seeds, source: Source) -> list[Passage]:
    path = seeds.path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise SeedError(f"{path}: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise SeedError(f"{path}: cannot read ({error.strerror})") from None
    blocks = READERS[source.format](text)
    apply_errata(seeds, source, blocks)
    return number_blocks(source.id, blocks)


def apply_errata(seeds: Seeds, source: Source, blocks: list[Block]) -> None:
    for erratum in seeds.errata:
        if erratum.source != source.id:
            continue
        hits = [b for b in blocks if erratum.find in b.text]
        if not hits:
            raise SeedError(f"{seeds.directory / 'errata.yaml'}:{erratum.line}: {erratum.find!r} not found in "
                            f"{source.id}")
        for block in hits:
            block.raw = block.raw or block.text
            block.text = block.text.replace(erratum.find, erratum.replace)


def link_notes(passages: list[Passage]) -> dict[str, list[str]]:
    """Body passage id → ids of the notes its markers point to (matched by chapter and marker, in order)."""
    queues: dict[tuple, deque] = defaultdict(deque)
    for passage in passages:
        if passage.kind == "note" and passage.marker:
            queues[(passage.chapter, passage.marker)].append(passage.id)
    links: dict[str, list[str]] = {}
    for passage in passages:
        if passage.kind == "body" and passage.notes:
            found = [queues[(passage.chapter, m)].popleft() for m in passage.notes if queues[(passage.chapter, m)]]
            if found:
                links[passage.id] = found
    return links


def build(seeds: Seeds, path: Path, digest: str) -> None:
    """Read every source and write the passages and the search index to ``path`` (atomically)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".corpus-", suffix=".sqlite", dir=path.parent)
    os.close(handle)
    try:
        connection = sqlite3.connect(temporary)
        with connection:
            connection.executescript(SCHEMA)
            connection.execute("INSERT INTO meta VALUES ('hash', ?)", (digest,))
            for position, source in enumerate(seeds.sources):
                connection.execute("INSERT INTO sources VALUES (?, ?, ?)",
                                   (source.id, position, json.dumps(source.to_json())))
                passages = read_source(seeds, source)
                links = link_notes(passages)
                connection.executemany(
                    "INSERT INTO passages (id, source, n, kind, chapter, page, text, extra, data) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [(p.id, p.source, p.n, p.kind, p.chapter, p.page, p.text, _extra(p),
                      json.dumps({**p.to_json(), "note_ids": links.get(p.id, [])})) for p in passages],
                )
            fts.index_passages(connection)
        connection.execute("VACUUM")
        connection.close()
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _extra(passage: Passage) -> str:
    """Searchable text beside the passage's own: a record's heading and citation."""
    if passage.kind != "record":
        return ""
    return " ".join(filter(None, [passage.heading, passage.citation.raw if passage.citation else None]))


def passage_from_row(data: str) -> Passage:
    values = json.loads(data)
    citation = values.get("citation")
    return Passage(
        id=values["id"], source=values["source"], n=int(values["id"].rsplit(":p", 1)[1]), kind=values["kind"],
        text=values["text"], chapter=values["chapter"], page=values["page"], marker=values.get("marker"),
        notes=tuple(values.get("note_ids", ())), heading=values.get("heading"),
        comments=tuple(values.get("comments", ())), citation=Citation(**citation) if citation else None,
        raw=values.get("raw"),
    )


class Corpus:
    """Read access to a built corpus: sources, passages, search and the quote locator. Safe to share across threads."""

    def __init__(self, path: Path, seeds: Seeds):
        self.path = path
        self.seeds = seeds
        self._local = threading.local()
        self._texts: dict[str, SourceText] = {}
        self._lock = threading.Lock()

    @classmethod
    def open(cls, seeds_dir: Path, cache_dir: Path) -> "Corpus":
        """The corpus for ``seeds_dir``, built into ``cache_dir`` unless a build of the same content is there."""
        seeds = load_seeds(seeds_dir, FORMATS)
        digest = content_hash(seeds_dir)
        path = cache_dir / f"corpus-{digest}.sqlite"
        if not path.exists():
            build(seeds, path, digest)
            for stale in cache_dir.glob("corpus-*.sqlite"):
                if stale != path:
                    stale.unlink(missing_ok=True)
        return cls(path, seeds)

    @property
    def version(self) -> str:
        return self.path.stem.removeprefix("corpus-")

    @property
    def db(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._local.connection = connection
        return connection

    # sources and passages
    @property
    def sources(self) -> list[Source]:
        return self.seeds.sources

    def source(self, source_id: str) -> Source | None:
        return next((s for s in self.sources if s.id == source_id), None)

    def passage(self, passage_id: str) -> Passage | None:
        row = self.db.execute("SELECT data FROM passages WHERE id = ?", (passage_id,)).fetchone()
        return passage_from_row(row[0]) if row else None

    def passages(self, source_id: str | None = None) -> list[Passage]:
        if source_id is None:
            rows = self.db.execute("SELECT data FROM passages ORDER BY rowid")
        else:
            rows = self.db.execute("SELECT data FROM passages WHERE source = ? ORDER BY n", (source_id,))
        return [passage_from_row(data) for (data,) in rows]

    def stats(self) -> dict:
        per_source = {}
        for source in self.sources:
            counts = dict(self.db.execute(
                "SELECT kind, COUNT(*) FROM passages WHERE source = ? GROUP BY kind", (source.id,)).fetchall())
            chapters = self.db.execute(
                "SELECT COUNT(DISTINCT chapter) FROM passages WHERE source = ?", (source.id,)).fetchone()[0]
            records = self.db.execute(
                "SELECT data FROM passages WHERE source = ? AND kind = 'record'", (source.id,)).fetchall()
            entry = {"title": source.title, "format": source.format, "passages": sum(counts.values()),
                     "kinds": counts, "chapters": chapters}
            if records:
                citations = [json.loads(d).get("citation") for (d,) in records]
                entry["citations"] = len([c for c in citations if c])
                entry["citations_complete"] = len([c for c in citations if c and c.get("complete")])
            per_source[source.id] = entry
        total = sum(s["passages"] for s in per_source.values())
        return {"version": self.version, "passages": total, "sources": per_source}

    # search and locate
    def search(self, query: str, source: str | None = None, limit: int = 20, offset: int = 0) -> list[fts.SearchHit]:
        return fts.search(self.db, query, source, limit, offset, lex=self.lexicon)

    @property
    def lexicon(self) -> fts.Lexicon:
        """The search lexicon (stems, their passage counts, name spellings), read once from the built file."""
        found = self.__dict__.get("_lexicon")
        if found is None:
            with self._lock:
                found = self.__dict__.get("_lexicon") or fts.Lexicon.load(self.db)
                self._lexicon = found
        return found

    def source_text(self, source_id: str) -> SourceText:
        with self._lock:
            if source_id not in self._texts:
                rows = self.db.execute("SELECT id, text, kind FROM passages WHERE source = ? ORDER BY n",
                                       (source_id,))
                ids, texts, kinds = zip(*rows.fetchall()) if self.source(source_id) else ((), (), ())
                self._texts[source_id] = SourceText(source_id, list(ids), list(texts), list(kinds))
            return self._texts[source_id]

    def locate(self, quote: str, source: str | None = None) -> Hit | Miss:
        """Find ``quote`` in ``source`` (or in any source); on a miss, the nearest passage and where it differs."""
        pattern = quote_pattern(quote)
        hit = find_in((self.source_text(s) for s in ([source] if source else [s.id for s in self.sources])), pattern)
        return hit or self.nearest(quote, source)

    def nearest(self, quote: str, source: str | None = None) -> Miss:
        candidates = {hit.passage: (hit.passage, hit.source, hit.text)
                      for hit in self.search(plain_quote(quote), source=source, limit=25)}
        return compare(quote, list(candidates.values()))
