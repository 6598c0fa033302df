"""Find a verbatim quotation in a source, or say how the nearest passage differs.

A quotation may contain elisions (``[…]``), which match any stretch of text, and bracketed editorial emendations
(``On [2] March``), which match either the bracketed text or a short stretch of about its length (the OCR's
reading). Everything else must match the source's letters and digits exactly; see :mod:`.matching`.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from .matching import fold, match_form, match_offsets, words

ELISION = re.compile(r"\[\s*(?:…|\.\s*\.\s*\.)\s*\]")
EMENDATION = re.compile(r"\[([^\[\]]*)\]")
MAX_ELISION = 6000  # characters of matching form an elision may skip (a few paragraphs)


@dataclass(frozen=True)
class Hit:
    source: str
    passages: tuple[str, ...]  # every passage the quotation touches, first to last
    start: int                 # offset in the first passage's display text
    end: int                   # offset in the last passage's display text

    @property
    def passage(self) -> str:
        return self.passages[0]

    def to_json(self) -> dict:
        return {"found": True, "passage": self.passage, "passages": list(self.passages), "source": self.source,
                "start": self.start, "end": self.end}


@dataclass(frozen=True)
class Miss:
    nearest: str | None        # passage id
    source: str | None
    quote_words: str = ""      # the first words where the quotation differs ...
    passage_words: str = ""    # ... and what the passage has there
    similarity: float = 0.0

    def describe(self) -> str:
        if self.nearest is None:
            return "no similar passage"
        return f'nearest {self.nearest} differs at "{self.quote_words}" vs "{self.passage_words}"'

    def to_json(self) -> dict:
        return {"found": False, "passage": None, "source": None, "start": None, "end": None,
                "nearest": {"passage": self.nearest, "source": self.source, "quote": self.quote_words,
                            "text": self.passage_words, "similarity": round(self.similarity, 3)}
                if self.nearest else None}


def quote_pattern(quote: str) -> re.Pattern[str]:
    """A regular expression over the matching form that accepts the quotation with its elisions and emendations."""
    pieces = []
    for part in ELISION.split(quote):
        tokens = []
        for index, token in enumerate(EMENDATION.split(part)):
            form = match_form(token)
            if index % 2 == 0:
                tokens.append(re.escape(form))
            else:
                tokens.append(f"(?:{re.escape(form)}|.{{0,{len(form) + 3}}}?)")
        piece = "".join(tokens)
        if piece:
            pieces.append(piece)
    if not pieces:
        raise ValueError("the quotation has no words")
    return re.compile(f".{{0,{MAX_ELISION}}}?".join(pieces), re.DOTALL)


def plain_quote(quote: str) -> str:
    """The quotation's own words: elisions become spaces and brackets are dropped (for comparison)."""
    return EMENDATION.sub(r"\1", ELISION.sub(" ", quote))


@dataclass
class SourceText:
    """One source's passages laid end to end in matching form, to search them as one string."""

    source: str
    ids: list[str]
    texts: list[str]
    starts: list[int] = field(default_factory=list)
    joined: str = ""

    def __post_init__(self) -> None:
        forms, position = [], 0
        for text in self.texts:
            self.starts.append(position)
            form = match_form(text)
            forms.append(form)
            position += len(form)
        self.joined = "".join(forms)

    def find(self, pattern: re.Pattern[str]) -> Hit | None:
        found = pattern.search(self.joined)
        if found is None or found.end() == found.start():
            return None
        first = bisect_right(self.starts, found.start()) - 1
        last = bisect_right(self.starts, found.end() - 1) - 1
        start = match_offsets(self.texts[first])[found.start() - self.starts[first]]
        end = match_offsets(self.texts[last])[found.end() - 1 - self.starts[last]] + 1
        return Hit(self.source, tuple(self.ids[first:last + 1]), start, end)


def compare(quote: str, candidates: list[tuple[str, str, str]]) -> Miss:
    """The candidate (id, source, text) closest to the quotation, and the first words where they part ways."""
    quote_words = words(plain_quote(quote))
    folded_quote = [fold(w) for w in quote_words]
    best: Miss = Miss(None, None)
    for passage_id, source, text in candidates:
        passage_words = words(text)
        matcher = SequenceMatcher(None, folded_quote, [fold(w) for w in passage_words], autojunk=False)
        blocks = [b for b in matcher.get_matching_blocks() if b.size]
        matched = sum(b.size for b in blocks)
        similarity = matched / max(len(folded_quote), 1)
        if similarity <= best.similarity or not blocks:
            continue
        q, p = _first_difference(blocks, len(folded_quote))
        best = Miss(passage_id, source, " ".join(quote_words[q:q + 3]) or "(end of quotation)",
                    " ".join(passage_words[p:p + 3]) or "(end of passage)", similarity)
    return best


def _first_difference(blocks, quote_length: int) -> tuple[int, int]:
    """Where the alignment of quotation and passage first breaks (indexes into each word list)."""
    first = blocks[0]
    if first.a > 0:  # the quotation's opening words are not in the passage
        return 0, max(first.b - first.a, 0)
    q, p = first.a + first.size, first.b + first.size
    if q >= quote_length:  # the whole quotation matched word for word: only its punctuation-free form differs
        return 0, first.b
    return q, p
