"""Full-text search over passages: SQLite FTS5 finds and ranks candidates, a few cheap signals re-rank them the way a
teacher means the query.

User input never reaches FTS5's query syntax: the query is cut into words and numbers, each quoted, so ``NEAR``,
``*``, ``"`` or ``)`` are plain text.

How a query is read (:func:`parse`):

- Stopwords and question filler ("why did", "how many", "what happened to") are not terms, but the shape of a
  question gives a *hint*: "how many" asks for figures, "what happened to" for a fate (arrested, shot, …), "why" for
  a reason. A hint only widens the candidates (each rare concept paired with it); it never matches on its own.
- Each remaining word is a *concept* with its alternatives: the Porter stemmer's forms ("confess" finds
  "confessions"), :data:`SYNONYMS_TEXT` and :data:`PHRASES`, the words history teachers use for the same thing
  (shot/executed, trial/tried, arrested/arrests, letter/wrote, confess/confession, defendant/accused, death
  penalty/executed, not guilty/innocent, Central Committee/CC, …), and the spellings of one Russian name the sources
  use side by side (Yezhov/Ezhov, Yagoda/Iagoda, Pyatakov/Piatakov, Tomsky/Tomskii), found in the corpus at build
  time (:func:`_variants`).
- A number is matched as written ("681,692" is the phrase 681 692) and a year also inside a range: the index gives
  "1937-38" the years 1937 and 1938 (column ``alias``). Adjacent words ("right-Trotskyist bloc", "established its
  case") are also looked for as phrases, which BM25 then weighs as rare terms.
- A query of more than :data:`QUOTE_WORDS` concepts is a quotation: plain BM25 over its words, which is what
  :meth:`Corpus.nearest` wants for a quotation that missed.

How passages are ranked (:func:`search`):

1. Candidates (FTS5, in C): passages holding one of the query's :data:`ANCHORS` rarest concepts and another of its
   :data:`PAIRED` rarest, or one concept found in at most :data:`RARE` passages, ordered by BM25 with field weights
   (:data:`FIELD_WEIGHTS`): the passage's own text and the author of the work a compilation record quotes count
   fully, the heading above it (a compiler's claim; for a book, the chapter and the nearest document title) half,
   the quoted work's title less, its citation line hardly at all.
2. Re-ranking, over the best :data:`CANDIDATES` and a page more only: BM25 scaled to the best candidate's and a
   little less keen on short passages than BM25 is, a bonus for holding every concept and one for two of the query's
   words within :data:`TUNING` ``near_window`` words of each other (two more FTS5 queries), less for passages too
   short to quote, for headings and notes, and for the books' apparatus (contents lines, lists of documents).
3. Diversity: on the first page (:data:`PAGE` results) at most :data:`PER_WORK` records quoting one work (same
   author and title) and :data:`PER_CLAIM` records under one compiler's heading, as long as other passages match;
   the others follow the page.
4. After these (when a page reaches past them), passages holding the query's rarest concept, then any of its
   words, by BM25.

Snippets are cut and highlighted here rather than by FTS5's ``snippet()``, which tokenizes the whole passage for
every row it is asked about: :data:`SNIPPET_CHARS` characters around the first place the query's rarest word occurs,
HTML-escaped, each word of the query in ``<mark>``.

The weights were tuned on the ``tune`` half of ``bench/relevance/queries.yaml`` (see ``bench/search_relevance.py``).
"""
from __future__ import annotations

import html
import itertools
import os
import re
import sqlite3
import threading
from dataclasses import dataclass, field

WORD = re.compile(r"\w+", re.UNICODE)
TOKEN = re.compile(r"\d+(?:[,.]\d{3})+|\w+", re.UNICODE)      # "681,692" stays one number
YEAR_RANGE_QUERY = re.compile(r"\b(1[89]\d\d)\s*[-–—]\s*(\d{2}|1[89]\d\d)\b")
STOPWORDS = frozenset("""
a about after again all also am an and any are as at be because been before being between both but by can could
did do does doing down during each few for from further had has have having he her here hers him his how i if in
into is it its itself just me more most my no nor not now of off on once only or other our out over own same she
should so some such than that the their them then there these they this those through to too under until up very
was we were what when where which while who whom why will with would you your s t d ll re ve m
""".split())
# Words of a question that name no subject: dropped like stopwords (the query keeps them if nothing else is left).
FILLER = frozenset("""
many much happened happen happens think thought say said says tell told mean meant know known really get got
one ones way something anything thing things like explain describe give show
""".split())

# Words teachers use for the same thing: a query word whose stem is in a group also finds the group's other words
# (and, through the stemmer, their other forms: "executed" finds "execution" and "shot" finds "shooting").
SYNONYMS_TEXT = """
kill murder assassin assassination
shot shoot execute execution
trial tried
arrest arrested
letter wrote
confess confession
defendant accused
torture beaten beating
purge purged
removed dismissed relieved replaced
plea plead guilty guilt
generals commanders officers
army military
"""
# Phrases a teacher types for what the sources abbreviate.
PHRASES = {("central", "committee"): ("cc", "central committee"), ("secret", "police"): ("nkvd", "ogpu", "gpu"),
           ("death", "penalty"): ("death penalty", "executed", "execution", "shot", "supreme penalty"),
           ("not", "guilty"): ("not guilty", "innocent", "innocence", "guilt", "guilty"),
           ("show", "trial"): ("trial",), ("show", "trials"): ("trials",), ("red", "army"): ("red army",)}

# Hints read from the question's shape: each becomes a concept that only pairs with the rarest ones.
NUMBER_HINT = "qqfigure"     # the index adds this word to passages that hold a figure (see _alias)
HINTS = (
    (re.compile(r"\bhow many\b|\bnumbers? of\b|\bhow much\b"), (NUMBER_HINT,)),
    (re.compile(r"\bwhat happened\b|\bfate of\b|\bwhat became of\b"),
     ("arrested", "shot", "executed", "died", "death", "fate", "suicide", "removed", "disappeared")),
    (re.compile(r"\bwhy\b"), ("why", "because", "reason", "reasons", "motive", "motives")),
)

QUOTE_WORDS = 10      # a query of more concepts than this is a quotation: plain BM25
RARE = 80             # a concept in at most this many passages is a candidate on its own
CANDIDATES = 40       # candidates re-ranked
PAIRED = 6            # the rarest concepts whose pairs make the candidates …
ANCHORS = 2           # … each pair holding one of this many rarest ones
PAGE = 20             # the first page, where the diversity cap holds
PER_WORK = 2          # records quoting one work on the first page
PER_CLAIM = 3         # records under one compiler's heading (claim) on the first page
SNIPPET_CHARS = 200

# Field weights for BM25: text, context (heading/chapter), author and title of the work a record quotes, the rest of
# its citation line, alias.
FIELD_WEIGHTS = (1.0, 0.5, 1.0, 0.3, 0.1, 1.0)
BODY_COLUMNS = "{text context author alias}"   # where "holds every concept" and "close together" are looked for
KIND_PRIOR = {"body": 1.0, "record": 1.0, "note": 0.7, "heading": 0.35}
TUNING = {
    "short": 15,        # passages of fewer words count less …
    "short_factor": 0.6,  # … by this factor
    "length": 0.2,      # BM25 × (words / 100) ** length (at most 400 words): undo part of BM25's taste for short ones
    "hint_pairs": 1,    # a question's hint joins the candidates' pairs
    "all": 0.2,         # bonus for holding every concept (FTS5: all of them ANDed)
    "near": 0.2,        # bonus for two of the query's words close together (FTS5: NEAR of each pair)
    "near_window": 5,   # … within this many words
    "near_of": 4,       # … among this many of the rarest concepts
}

TOKENIZER = "porter unicode61 remove_diacritics 2"
SCHEMA = f"""
CREATE VIRTUAL TABLE passage_fts USING fts5(
    text, context, author, title, citation, alias,
    tokenize='{TOKENIZER}'
);
CREATE TABLE passage_facts (
    rowid INTEGER PRIMARY KEY, kind TEXT NOT NULL, work TEXT, claim TEXT, words INTEGER NOT NULL, prior REAL NOT NULL
);
CREATE TABLE search_words (word TEXT PRIMARY KEY, stem TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE search_stems (stem TEXT PRIMARY KEY, docs INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE search_variants (word TEXT PRIMARY KEY, canonical TEXT NOT NULL, spellings TEXT NOT NULL)
    WITHOUT ROWID;
"""


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
    """A safe FTS5 query for free text, or None when nothing searchable is left: its words, quoted, joined by OR."""
    terms = [w.lower() for w in WORD.findall(query)]
    kept = [t for t in terms if t not in STOPWORDS] or terms
    unique = list(dict.fromkeys(kept))[:32]
    if not unique:
        return None
    return " OR ".join(f'"{t}"' for t in unique)


# --- building the index ---------------------------------------------------------------------------------------------

YEAR_RANGE = re.compile(r"\b(1[89]\d\d)\s*[-–—/]\s*(\d{2}|1[89]\d\d)\b")
OCR_YEAR = re.compile(r"\b(19[0-5]) (\d)\b")          # "193 8" in the OCR'd book
FIGURE = re.compile(r"\b\d{1,3}(?:,\d{3})+\b|\b\d{3,}(?<!19\d\d)\b|\b\d+(?:\.\d+)? ?(?:percent|per cent|%)"
                    r"|\b(?:hundreds?|thousands?|millions?)\b|\b(?:eleven|twelve|(?:thir|four|fif|six|seven|eigh|nine)teen"
                    r"|(?:twen|thir|for|fif|six|seven|eigh|nine)ty(?:-\w+)?)\b", re.IGNORECASE)


def _alias(text: str) -> str:
    """Words the index adds to a passage: each year of a range ("1937-38" → 1937 1938), an OCR-split year, and
    :data:`NUMBER_HINT` when the passage holds a figure."""
    out = []
    for m in YEAR_RANGE.finditer(text):
        start, end = int(m[1]), m[2]
        end = int(m[1][: 4 - len(end)] + end) if len(end) < 4 else int(end)
        if start < end <= start + 12:
            out.extend(str(year) for year in range(start, end + 1))
    out.extend(m[1] + m[2] for m in OCR_YEAR.finditer(text))
    if FIGURE.search(text):
        out.append(NUMBER_HINT)
    return " ".join(out)


LIST_ENTRY = re.compile(r"(?:^|\s)\d{1,3}\. [A-Z\"“]")
PAGE_REF = re.compile(r"\s\d{1,3}$")
APPARATUS_PRIOR = 0.3


def _apparatus(text: str) -> bool:
    """A line of a book's apparatus rather than its prose: a contents line ("41. The Verdict of the Dewey Commission
    341") or a list of numbered documents."""
    return len(LIST_ENTRY.findall(text)) >= 3 or (len(text) < 90 and bool(LIST_ENTRY.match(text))
                                                  and bool(PAGE_REF.search(text)))


def _translit_key(word: str) -> str:
    key = re.sub(r"(?:ii|iy|yi|ij)$", "y", word)
    for a, b in (("ye", "e"), ("yo", "io"), ("ya", "ia"), ("yu", "iu"), ("kh", "h"), ("tz", "ts"), ("ks", "x")):
        key = key.replace(a, b)
    return key


def _variants(names: dict[str, list[int]]) -> dict[str, tuple[str, list[str]]]:
    """Spellings of one name: capitalized words (capitalized in most of their uses) whose transliteration keys agree
    ("yezhov"/"ezhov", "pyatakov"/"piatakov", "tomsky"/"tomskii"). Each spelling -> the group's most used spelling
    (its canonical form) and all the group's spellings."""
    groups: dict[str, list[str]] = {}
    for word, (capitalized, total) in names.items():
        if len(word) >= 4 and capitalized >= 0.8 * total:
            groups.setdefault(_translit_key(word), []).append(word)
    out = {}
    for group in groups.values():
        if len(group) > 1:
            canonical = max(group, key=lambda w: (names[w][1], w))
            for word in group:
                out[word] = (canonical, sorted(group))
    return out


def index_passages(connection: sqlite3.Connection) -> None:
    """Build the search index beside the ``passages`` table: the FTS5 table, each passage's facts for re-ranking, and
    the lexicon (word → stem, passages per stem, spellings of names). A name spelled otherwise than most sources
    spell it also gets that spelling in the ``alias`` column, so every spelling of it weighs the same in BM25."""
    import json

    connection.executescript(SCHEMA)
    rows, facts, words_of = [], [], []
    heading_by_source: dict[str, str] = {}
    counts: dict[str, list[int]] = {}
    for rowid, source, kind, chapter, text, data in connection.execute(
            "SELECT rowid, source, kind, chapter, text, data FROM passages ORDER BY source, n"):
        values = json.loads(data)
        citation = values.get("citation") or {}
        if kind == "heading":
            heading_by_source[source] = text
        if kind == "record":
            context = values.get("heading") or ""
            work_key = "|".join([(citation.get("author") or "").lower(), (citation.get("title") or "").lower()])
        else:
            nearest = heading_by_source.get(source, "") if kind != "heading" else ""
            context = " — ".join(dict.fromkeys(filter(None, [chapter, nearest])))
            work_key = None
        rows.append([rowid, text, context, citation.get("author") or "", citation.get("title") or "",
                     citation.get("raw") or "", _alias(text)])
        claim = f"{source}|{context}" if kind == "record" and context else None
        facts.append((rowid, kind, work_key, claim, len(WORD.findall(text)),
                      APPARATUS_PRIOR if _apparatus(text) else 1.0))
        seen = set()
        for m in WORD.finditer(text):
            word = m[0]
            lowered = word.lower()
            seen.add(lowered)
            entry = counts.setdefault(lowered, [0, 0])
            entry[1] += 1
            if word[0].isupper():
                entry[0] += 1
        words_of.append(seen)
    variants = _variants({w: c for w, c in counts.items() if w.isalpha()})
    others = {w: canonical for w, (canonical, _) in variants.items() if w != canonical}
    for row, seen in zip(rows, words_of):
        extra = sorted({others[w] for w in seen & others.keys()})
        if extra:
            row[6] = " ".join(filter(None, [row[6], *extra]))
    connection.executemany("INSERT INTO passage_fts(rowid, text, context, author, title, citation, alias) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    connection.executemany("INSERT INTO passage_facts VALUES (?, ?, ?, ?, ?, ?)", facts)
    connection.execute("INSERT INTO passage_fts(passage_fts) VALUES ('optimize')")
    _index_lexicon(connection, counts, variants)


def _index_lexicon(connection: sqlite3.Connection, counts: dict[str, list[int]],
                   variants: dict[str, tuple[str, list[str]]]) -> None:
    words = sorted(w for w in counts if not w.isdigit() or len(w) <= 4)
    scratch = _scratch(keep=False)
    connection.executemany("INSERT INTO search_words VALUES (?, ?)", zip(words, _stems(words, scratch)))
    scratch.close()
    connection.execute("CREATE VIRTUAL TABLE temp.search_vocab USING fts5vocab(main, passage_fts, row)")
    connection.execute("INSERT INTO search_stems SELECT term, doc FROM temp.search_vocab")
    connection.execute("DROP TABLE temp.search_vocab")
    connection.executemany("INSERT INTO search_variants VALUES (?, ?, ?)",
                           [(word, canonical, " ".join(spellings))
                            for word, (canonical, spellings) in sorted(variants.items())])


def _stems(words: list[str], scratch: sqlite3.Connection | None = None) -> list[str]:
    """The stem FTS5's tokenizer gives each word (one word per row of a scratch table, read back by row)."""
    scratch = scratch or _scratch()
    scratch.execute("DELETE FROM w")
    scratch.executemany("INSERT INTO w(rowid, x) VALUES (?, ?)", enumerate(words, 1))
    stems = [""] * len(words)
    for doc, term in scratch.execute("SELECT doc, term FROM v"):
        if not stems[doc - 1]:
            stems[doc - 1] = term
    return [stem or word for stem, word in zip(stems, words)]


_local = threading.local()


def _scratch(keep: bool = True) -> sqlite3.Connection:
    """An in-memory table with the index's tokenizer, to stem words the lexicon does not hold: this thread's own
    (``keep``; a new one after a fork), or a fresh one for the caller to close."""
    scratch = getattr(_local, "scratch", None)
    if keep and scratch is not None and _local.pid == os.getpid():
        return scratch
    scratch = sqlite3.connect(":memory:", check_same_thread=keep)
    scratch.execute(f"CREATE VIRTUAL TABLE w USING fts5(x, tokenize='{TOKENIZER}')")
    scratch.execute("CREATE VIRTUAL TABLE v USING fts5vocab(w, instance)")
    if keep:
        _local.scratch, _local.pid = scratch, os.getpid()
    return scratch


# --- the lexicon, loaded once per database --------------------------------------------------------------------------

@dataclass
class Lexicon:
    """What query reading needs to know of the library, read once from the built file (a few MB in memory)."""

    stem_of: dict[str, str]                 # word -> its stem, for every word of the library
    docs: dict[str, int]                    # stem -> passages holding it
    variants: dict[str, tuple[str, tuple[str, ...]]]    # a name -> its most used spelling, and all its spellings
    forms: dict[str, tuple[str, ...]]       # stem -> the library's words with that stem
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)   # stem -> its synonym groups' words
    bound: int = 0                          # how many words ``stem_of`` may hold (it learns unknown ones)

    @classmethod
    def load(cls, connection: sqlite3.Connection) -> "Lexicon":
        stem_of = dict(connection.execute("SELECT word, stem FROM search_words"))
        forms: dict[str, list[str]] = {}
        for word, stem in stem_of.items():
            forms.setdefault(stem, []).append(word)
        synonyms: dict[str, tuple[str, ...]] = {}      # stem -> words of its groups
        for line in SYNONYMS_TEXT.strip().splitlines():
            group = tuple(line.split())
            for stem in {stem_of.get(word) or _stems([word])[0] for word in group}:
                synonyms[stem] = tuple(dict.fromkeys(synonyms.get(stem, ()) + group))
        return cls(
            stem_of=stem_of,
            docs=dict(connection.execute("SELECT stem, docs FROM search_stems")),
            variants={w: (canonical, tuple(spellings.split())) for w, canonical, spellings in
                      connection.execute("SELECT word, canonical, spellings FROM search_variants")},
            forms={stem: tuple(words) for stem, words in forms.items()},
            synonyms=synonyms,
            bound=len(stem_of) + 10_000,
        )

    def stem(self, word: str) -> str:
        found = self.stem_of.get(word)
        if found is None:       # a word the library does not hold: ask the tokenizer (and remember, boundedly)
            found = _stems([word])[0]
            if len(self.stem_of) < self.bound:
                self.stem_of[word] = found
        return found


_lexicons: dict[str, Lexicon] = {}
_lexicon_lock = threading.Lock()


def lexicon(connection: sqlite3.Connection) -> Lexicon:
    """The lexicon of the database ``connection`` reads (loaded on first use, shared by every thread)."""
    key = connection.execute("PRAGMA database_list").fetchone()[2] or str(id(connection))
    found = _lexicons.get(key)
    if found is None:
        with _lexicon_lock:
            found = _lexicons.get(key) or _lexicons.setdefault(key, Lexicon.load(connection))
    return found


# --- reading a query ------------------------------------------------------------------------------------------------

@dataclass
class Concept:
    alternatives: tuple[str, ...]   # FTS5 phrases (words, or numbers as phrases)
    forms: tuple[str, ...]          # the corpus's words with these stems, for the snippet
    docs: int                       # passages holding it (the most of any alternative)
    hint: bool = False

    def fts(self) -> str:
        quoted = [f'"{a}"' for a in self.alternatives]
        return quoted[0] if len(quoted) == 1 else "(" + " OR ".join(quoted) + ")"


def parse(query: str, lex: Lexicon) -> list[Concept]:
    """The query's concepts in the order typed, then any hint from its shape."""
    lowered = query.lower()
    lowered = YEAR_RANGE_QUERY.sub(lambda m: _expand_years(m), lowered)
    tokens = [t.replace("_", "") for t in TOKEN.findall(lowered)]
    tokens = [t for t in tokens if t]
    content = [t for t in tokens if t not in STOPWORDS and t not in FILLER]
    if not content:
        content = [t for t in tokens if t not in STOPWORDS] or tokens
    keep = set(content)
    concepts: list[Concept] = []
    seen: set[str] = set()
    i = 0
    while i < len(tokens):
        pair = tuple(tokens[i:i + 2])
        spellings = ()
        if len(pair) == 2 and pair in PHRASES:
            alternatives = (" ".join(pair),) + PHRASES[pair]
            i += 2
        else:
            word = tokens[i]
            i += 1
            if word in seen or word not in keep:
                continue
            spellings: tuple[str, ...] = ()
            if "," in word or "." in word:
                alternatives = (" ".join(re.findall(r"\d+", word)),)
            else:
                if word in lex.variants:        # one spelling stands for all (the index gives it to each)
                    word, spellings = lex.variants[word]
                alternatives = (word,) + lex.synonyms.get(lex.stem(word), ())
        seen.update(alternatives + spellings)
        concepts.append(_concept(alternatives, lex, spellings))
    for pattern, words in HINTS:
        if pattern.search(lowered):
            hint = _concept(words, lex)
            concepts.append(Concept(hint.alternatives, hint.forms, hint.docs, hint=True))
    return concepts


def _expand_years(m: re.Match) -> str:
    start, end = int(m[1]), m[2]
    end = int(m[1][: 4 - len(end)] + end) if len(end) < 4 else int(end)
    return " ".join(str(y) for y in range(start, end + 1)) if start < end <= start + 12 else m[0]


def _concept(alternatives: tuple[str, ...], lex: Lexicon, spellings: tuple[str, ...] = ()) -> Concept:
    alternatives = tuple(dict.fromkeys(alternatives))
    forms: list[str] = list(spellings)
    docs = 0
    for alternative in alternatives:
        if " " in alternative:      # a phrase: matched as written
            forms.append(alternative)
            parts = [lex.docs.get(lex.stem(p), 0) for p in alternative.split()]
            docs = max(docs, min(parts) if parts else 0)
            continue
        stem = lex.stem(alternative)
        forms.extend(lex.forms.get(stem, (alternative,)))
        docs = max(docs, lex.docs.get(stem, 0))
    return Concept(alternatives, tuple(dict.fromkeys(forms)), docs)


# --- searching ------------------------------------------------------------------------------------------------------

@dataclass
class _Candidate:
    rowid: int
    bm25: float
    tier: int
    id: str = ""
    source: str = ""
    kind: str = ""
    chapter: str | None = None
    page: int | None = None
    text: str = ""
    work: str | None = None
    claim: str | None = None
    words: int = 0
    prior: float = 1.0
    score: float = 0.0
    capped: bool = False


def search(connection: sqlite3.Connection, query: str, source: str | None = None, limit: int = 20,
           offset: int = 0, lex: Lexicon | None = None) -> list[SearchHit]:
    lex = lex or lexicon(connection)
    concepts = parse(query, lex)
    content = [c for c in concepts if not c.hint and c.docs]
    if not content:
        return []
    wanted = offset + limit
    flat = " OR ".join(c.fts() for c in content)
    if len(content) > QUOTE_WORDS:       # a quotation: plain BM25 over its words
        found = [_Candidate(r, rank, 3) for r, rank in _ranked(connection, flat, source, wanted)]
        return _hits(connection, found[offset:wanted], concepts)
    hints = [c for c in concepts if c.hint]
    if len(content) == 1:
        parts = [content[0].fts()]
        if hints and TUNING["hint_pairs"]:
            parts = [f"({content[0].fts()} AND {h.fts()})" for h in hints] + parts
    else:
        rarest = sorted(content, key=lambda c: c.docs)[:PAIRED]
        parts = [f"({a.fts()} AND {b.fts()})" for i, a in enumerate(rarest[:ANCHORS]) for b in rarest[i + 1:]]
        parts += [c.fts() for c in content if c.docs <= RARE]
        if hints and TUNING["hint_pairs"]:
            parts += [f"({c.fts()} AND {h.fts()})" for c in rarest[:2] for h in hints]
    first = " OR ".join(parts + [f'"{p}"' for p in _phrases(query)])
    found = [_Candidate(r, rank, 1) for r, rank in _ranked(connection, first, source,
                                                          max(CANDIDATES, wanted) + PAGE)]
    # re-rank the first tier's best (only its BM25s compare), and a page more of it for the diversity cap to draw on
    head, tail = found[:CANDIDATES + PAGE], found[CANDIDATES + PAGE:]
    _facts(connection, head)
    _rerank(head, _bonus(connection, content) if len(content) > 1 else {})
    ordered = _diversify(head) + tail
    short = sum(1 for c in ordered[:PAGE] if c.capped)
    if (len(found) < wanted or short) and len(content) > 1:     # fill from passages holding fewer concepts
        more = _lower_tiers(connection, content, source, wanted + PAGE, {c.rowid for c in found})
        _facts(connection, more[:2 * PAGE])
        ordered = _diversify(head + tail + more)
    return _hits(connection, ordered[offset:wanted], concepts)


def _lower_tiers(connection: sqlite3.Connection, content: list[Concept], source: str | None, limit: int,
                 have: set[int]) -> list[_Candidate]:
    """Passages holding the query's rarest concept (tier 2), then any of its concepts (tier 3), by BM25."""
    flat = " OR ".join(c.fts() for c in content)
    rarest = min(content, key=lambda c: c.docs)
    out = []
    for tier, require in ((2, rarest.fts()), (3, None)):
        rows = _ranked(connection, flat, source, limit + len(have), require=require)
        out += [_Candidate(r, rank, tier) for r, rank in rows if r not in have]
        have = have | {r for r, _ in rows}
        if len(out) >= limit:
            break
    return out


def _bonus(connection: sqlite3.Connection, content: list[Concept]) -> dict[int, float]:
    """Re-ranking bonuses from two more FTS5 queries: every concept held (in the passage's text, heading or quoted
    author), and two of the rarest concepts' typed words within a few words of each other."""
    bonus: dict[int, float] = {}
    queries = []
    if TUNING["all"]:
        queries.append((BODY_COLUMNS + ": (" + " AND ".join(c.fts() for c in content) + ")", TUNING["all"]))
    if TUNING["near"]:
        words = [f'"{c.alternatives[0]}"' for c in sorted(content, key=lambda c: c.docs)[:TUNING["near_of"]]]
        pairs = " OR ".join(f"NEAR({a} {b}, {TUNING['near_window']})" for a, b in itertools.combinations(words, 2))
        queries.append((BODY_COLUMNS + ": (" + pairs + ")", TUNING["near"]))
    for match, value in queries:
        for (rowid,) in connection.execute("SELECT rowid FROM passage_fts WHERE passage_fts MATCH ?", (match,)):
            bonus[rowid] = bonus.get(rowid, 0.0) + value
    return bonus


def _phrases(query: str) -> list[str]:
    """Adjacent words of the query as phrases ("right-Trotskyist bloc", "established its case"): two content words
    with at most one stopword between them."""
    tokens = [t for t in TOKEN.findall(query.lower()) if t.isalpha()]
    out = []
    for i, word in enumerate(tokens):
        if word in STOPWORDS or word in FILLER:
            continue
        for j in (i + 1, i + 2):
            if j < len(tokens) and tokens[j] not in STOPWORDS and tokens[j] not in FILLER:
                if j == i + 1 or tokens[i + 1] in STOPWORDS:
                    out.append(" ".join(tokens[i:j + 1]))
                break
    return list(dict.fromkeys(out))[:8]


def _ranked(connection: sqlite3.Connection, match: str, source: str | None, limit: int,
            require: str | None = None) -> list[tuple[int, float]]:
    weights = ", ".join(map(str, FIELD_WEIGHTS))
    if require:         # rank by the whole query, among passages that hold ``require``
        match = f"({require}) AND ({match})"
    if source:
        sql = (f"SELECT passage_fts.rowid, bm25(passage_fts, {weights}) AS rank FROM passage_fts "
               "JOIN passages ON passages.rowid = passage_fts.rowid "
               "WHERE passage_fts MATCH ? AND passages.source = ? ORDER BY rank LIMIT ?")
        return connection.execute(sql, (match, source, limit)).fetchall()
    sql = (f"SELECT rowid, bm25(passage_fts, {weights}) AS rank FROM passage_fts WHERE passage_fts MATCH ? "
           "ORDER BY rank LIMIT ?")
    return connection.execute(sql, (match, limit)).fetchall()


def _facts(connection: sqlite3.Connection, candidates: list[_Candidate]) -> None:
    """What re-ranking reads of each candidate: kind, the work it quotes, length, prior."""
    if candidates:
        by_rowid = {c.rowid: c for c in candidates}
        sql = ("SELECT rowid, kind, work, claim, words, prior FROM passage_facts "
               f"WHERE rowid IN ({','.join('?' * len(by_rowid))})")
        for rowid, kind, work, claim, words, prior in connection.execute(sql, list(by_rowid)):
            c = by_rowid[rowid]
            c.kind, c.work, c.claim, c.words, c.prior = kind, work, claim, words, prior


def _load(connection: sqlite3.Connection, candidates: list[_Candidate]) -> None:
    """What a hit shows: id, source, kind, chapter, page and text."""
    if candidates:
        by_rowid = {c.rowid: c for c in candidates}
        sql = ("SELECT rowid, id, source, kind, chapter, page, text FROM passages "
               f"WHERE rowid IN ({','.join('?' * len(by_rowid))})")
        for rowid, pid, src, kind, chapter, page, text in connection.execute(sql, list(by_rowid)):
            c = by_rowid[rowid]
            c.id, c.source, c.kind, c.chapter, c.page, c.text = pid, src, kind, chapter, page, text


def _rerank(candidates: list[_Candidate], bonus: dict[int, float]) -> None:
    """BM25 (scaled to the best candidate's), less for passages too short to quote, for headings and notes, and for
    the books' apparatus (contents, lists of documents)."""
    if not candidates:
        return
    t = TUNING
    best = max(-c.bm25 for c in candidates) or 1.0
    for cand in candidates:
        score = (-cand.bm25) / best * (min(max(cand.words, 10), 400) / 100) ** t["length"] + bonus.get(cand.rowid, 0.0)
        score *= KIND_PRIOR.get(cand.kind, 1.0) * cand.prior
        if cand.words < t["short"]:
            score *= t["short_factor"]
        cand.score = score
    candidates.sort(key=lambda c: -c.score)


def _diversify(candidates: list[_Candidate]) -> list[_Candidate]:
    """On the first page, at most :data:`PER_WORK` records quoting one work and :data:`PER_CLAIM` records under one
    compiler's heading while other candidates are left; the others follow the page, in their order (those that
    had to fill the page all the same are marked ``capped``)."""
    page, later, count = [], [], {}
    for cand in candidates:
        cand.capped = False
        keys = [(key, cap) for key, cap in ((("work", cand.work), PER_WORK), (("claim", cand.claim), PER_CLAIM))
                if key[1] and cap]
        if len(page) >= PAGE or any(count.get(key, 0) >= cap for key, cap in keys):
            later.append(cand)
            continue
        for key, _ in keys:
            count[key] = count.get(key, 0) + 1
        page.append(cand)
    for cand in later[:PAGE - len(page)]:
        cand.capped = True
    return page + later


def _hits(connection: sqlite3.Connection, page: list[_Candidate], concepts: list[Concept]) -> list[SearchHit]:
    if not page:
        return []
    _load(connection, page)
    forms: dict[str, int] = {}
    for concept in sorted((c for c in concepts if not c.hint), key=lambda c: c.docs):
        for form in concept.forms:
            for word in form.split():
                if word not in STOPWORDS:
                    forms.setdefault(word, concept.docs)
    rarest = list(forms)[:8]
    hits = []
    floor = None
    for cand in page:
        score = cand.score if cand.tier == 1 else -cand.bm25 / (10 ** cand.tier)
        floor = score if floor is None else min(score, floor)
        hits.append(SearchHit(cand.id, cand.source, cand.text, snippet(cand.text, forms, rarest), floor,
                              cand.kind, cand.chapter, cand.page))
    return hits


def snippet(text: str, forms: dict[str, int] | set[str], anchors: list[str] | None = None,
            size: int = SNIPPET_CHARS) -> str:
    """Safe HTML: about ``size`` characters of ``text`` around the first place one of ``anchors`` (the query's rarest
    words first) occurs, escaped, each word of ``forms`` (lowercase) in ``<mark>``, "…" where the passage goes on."""
    start, end = 0, len(text)
    if len(text) > size:
        anchor = _anchor(text, anchors if anchors is not None else list(forms))
        start = max(0, anchor - size // 3)
        end = min(len(text), start + size)
        start = max(0, end - size)
        if start:
            space = text.find(" ", start, start + 30)
            start = space + 1 if space >= 0 else start
        if end < len(text):
            space = text.rfind(" ", start + size // 2, end)
            end = space if space >= 0 else end
    window = text[start:end]
    lowered = window.lower()
    marks = []
    if len(lowered) == len(window):
        for form in forms:
            at = lowered.find(form)
            while at >= 0:
                after = at + len(form)
                if (not at or not lowered[at - 1].isalnum()) and (after == len(lowered)
                                                                   or not lowered[after].isalnum()):
                    marks.append((at, after))
                at = lowered.find(form, after)
        marks.sort()
    else:                                   # a letter whose lower case is longer: word by word
        marks = [m.span() for m in WORD.finditer(window) if m[0].lower() in forms]
    out = ["…"] if start else []
    cursor = 0
    for at, after in marks:
        if at >= cursor:
            out.append(html.escape(window[cursor:at]))
            out.append("<mark>" + html.escape(window[at:after]) + "</mark>")
            cursor = after
    out.append(html.escape(window[cursor:]))
    if end < len(text):
        out.append("…")
    return "".join(out)


def _anchor(text: str, words: list[str]) -> int:
    """Where the first of ``words`` that ``text`` holds as a whole word first occurs (0 if it holds none)."""
    best = None
    for form in words:
        for variant in (form, form.capitalize()):
            at = text.find(variant)
            while at >= 0:
                before = text[at - 1] if at else " "
                after = text[at + len(variant)] if at + len(variant) < len(text) else " "
                if not before.isalnum() and not after.isalnum():
                    best = at if best is None else min(best, at)
                    break
                at = text.find(variant, at + 1)
        if best is not None:
            return best
    return 0
