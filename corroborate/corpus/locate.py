"""Find a verbatim quotation in a source, or say how the nearest passage differs.

A quotation may contain elisions (``[…]``), which match any stretch of text, and bracketed editorial emendations
(``On [2] March``), which match either the bracketed text or a short stretch of about its length (the OCR's
reading). Everything else must match the source's letters and digits exactly; see :mod:`.matching`.

Two allowances make a quotation pasted from the raw text, or typed from the printed book, still hit:

- Footnote markers. The readers detach note markers into notes, but text pasted from the raw seed may still carry
  them fused to a word or to the end of a sentence (``initiative.14 But``). A run of 1-3 digits directly after a
  letter, or after sentence punctuation that follows a letter, and before a space or the end of the quotation may be
  absent from the source. Nowhere else: a number that is a word of the sentence ("1937", "20 million") is required.
- OCR misreadings. When the quotation is not found as written, it is tried again with a small table of OCR
  confusions applied to the source side (a typed "2" may be the OCR's "z", "m" may be "rn", …), at most
  :data:`MAX_READINGS` words per quotation. A misread word is accepted only when the typed word is more common in
  the source than the OCR's form (or the OCR's form mixes digits and letters): "20" for "zo" is a reading, "15" for
  "is" never is. Such a hit carries each reading and a proposed erratum for ``seeds/errata.yaml``.
"""
from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from .matching import fold, match_form, match_offsets, words

ELISION = re.compile(r"\[\s*(?:…|\.\s*\.\s*\.)\s*\]")
EMENDATION = re.compile(r"\[([^\[\]]*)\]")
MAX_ELISION = 6000  # characters of matching form an elision may skip (a few paragraphs)

# A footnote marker fused to the text: 1-3 digits after a letter, or after sentence punctuation (and perhaps a
# closing quote or bracket) that follows a letter; then a space or the end. "initiative.14 But", "Kaganovich39 ",
# 'the end."12'. Not "1,575,259" (the comma follows a digit) and not "20 million" (a space precedes).
FOOTNOTE_MARKER = re.compile(
    r"(?:(?<=[^\W\d_])|(?<=[^\W\d_][.,;:!?])|(?<=[^\W\d_][\"'”’)\]])|(?<=[^\W\d_][.,;:!?][\"'”’)\]]))"
    r"(\d{1,3})(?=\s|$)")

# OCR confusions, typed character -> what the OCR may have printed for it (matching form: case-folded). Digits are
# confused only inside numbers, letters only inside words. The digit table follows the note numbers the OCR reader
# meets (ocr.OCR_DIGITS); the letter table follows what the Getty & Naumov OCR shows ("karnenev", "bo1sheviks",
# "thc", "wouid", "agaln").
OCR_DIGITS = {"0": ("o",), "1": ("l", "i"), "2": ("z",), "3": ("j",), "5": ("s",), "9": ("g",)}
OCR_LETTERS = {"m": ("rn",), "l": ("1", "i"), "i": ("l", "1"), "o": ("0",), "e": ("c",), "d": ("cl",),
               "w": ("vv",)}
MAX_READINGS = 3         # misread words one quotation may contain
MAX_WORD_SUBSTITUTIONS = 2  # misread characters in one word (a number may be misread throughout: "ooo")
MAX_CANDIDATES = 200     # confusion-tolerant matches examined before giving up
ALNUM_RUN = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class OcrReading:
    """Where the source's OCR text differs from what a reader of the printed book typed."""

    source_form: str   # the word as the OCR text has it: "zo"
    typed_form: str    # the word as typed: "20"
    passage: str
    start: int         # offsets of the word in the passage's display text
    end: int

    def to_json(self) -> dict:
        return {"source_form": self.source_form, "typed_form": self.typed_form, "passage": self.passage,
                "start": self.start, "end": self.end}


@dataclass(frozen=True)
class ProposedErratum:
    """An entry for ``seeds/errata.yaml`` that would mark the correction in the source."""

    source: str
    passage: str
    find: str          # occurs once in the source's passages
    replace: str       # the same text with each correction in [brackets]
    note: str

    def yaml(self) -> str:
        return (f"  - source: {self.source}\n    find: {json.dumps(self.find, ensure_ascii=False)}\n"
                f"    replace: {json.dumps(self.replace, ensure_ascii=False)}\n    note: {self.note}")

    def to_json(self) -> dict:
        return {"source": self.source, "passage": self.passage, "find": self.find, "replace": self.replace,
                "note": self.note}


@dataclass(frozen=True)
class Hit:
    source: str
    passages: tuple[str, ...]  # every passage the quotation touches, first to last
    start: int                 # offset in the first passage's display text
    end: int                   # offset in the last passage's display text
    markers: tuple[str, ...] = ()             # footnote markers in the quotation that the source text lacks
    ocr: tuple[OcrReading, ...] = ()          # words the quotation reads differently from the OCR text
    errata: tuple[ProposedErratum, ...] = ()  # entries that would mark those corrections in the source

    @property
    def passage(self) -> str:
        return self.passages[0]

    @property
    def proposed_erratum(self) -> str | None:
        """The ``errata.yaml`` entry text for the OCR readings, or None when the quotation needed none."""
        return "\n".join(erratum.yaml() for erratum in self.errata) or None

    def to_json(self) -> dict:
        return {"found": True, "passage": self.passage, "passages": list(self.passages), "source": self.source,
                "start": self.start, "end": self.end, "footnote_markers": list(self.markers),
                "ocr_readings": [reading.to_json() for reading in self.ocr],
                "proposed_erratum": self.proposed_erratum,
                "proposed_errata": [erratum.to_json() for erratum in self.errata]}


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


class QuotePattern:
    """A quotation compiled for the matching form: as written (footnote markers optional) and, compiled only when
    the first finds nothing, OCR-tolerant. ``search`` is the exact pattern's, so it stands in for a ``re.Pattern``."""

    def __init__(self, quote: str, exact: str, tolerant: str | None, markers: tuple[str, ...],
                 typed: tuple[str, ...]):
        self.quote = quote
        self.exact = re.compile(exact, re.DOTALL)
        self.markers = markers    # group "m<i>" holds markers[i] where the source has it
        self.typed = typed        # group "r<i>" holds the OCR's form of the typed character typed[i]
        self._tolerant_source = tolerant
        self._tolerant: re.Pattern[str] | None = None

    @property
    def tolerant(self) -> re.Pattern[str] | None:
        """None when no character of the quotation has an OCR confusion."""
        if self._tolerant is None and self._tolerant_source is not None:
            self._tolerant = re.compile(self._tolerant_source, re.DOTALL)
        return self._tolerant

    def search(self, text: str, pos: int = 0) -> re.Match[str] | None:
        return self.exact.search(text, pos)


def quote_pattern(quote: str) -> QuotePattern:
    """Regular expressions over the matching form that accept the quotation with its elisions and emendations."""
    markers: list[str] = []
    typed: list[str] = []
    exact_pieces, tolerant_pieces = [], []
    for part in ELISION.split(quote):
        exact, tolerant = [], []
        for index, segment in enumerate(EMENDATION.split(part)):
            if index % 2:
                form = match_form(segment)
                emendation = f"(?:{re.escape(form)}|.{{0,{len(form) + 3}}}?)"
                exact.append(emendation)
                tolerant.append(emendation)
                continue
            for position, text in enumerate(FOOTNOTE_MARKER.split(segment)):
                if position % 2:
                    group = f"(?P<m{len(markers)}>{re.escape(text)})?"
                    markers.append(text)
                    exact.append(group)
                    tolerant.append(group)
                    continue
                for run in ALNUM_RUN.findall(fold(text)):
                    exact.append(re.escape(run))
                    tolerant.append(_tolerant_run(run, typed))
        if exact:
            exact_pieces.append("".join(exact))
            tolerant_pieces.append("".join(tolerant))
    if not exact_pieces:
        raise ValueError("the quotation has no words")
    gap = f".{{0,{MAX_ELISION}}}?"
    return QuotePattern(quote, gap.join(exact_pieces), gap.join(tolerant_pieces) if typed else None,
                        tuple(markers), tuple(typed))


def _tolerant_run(run: str, typed: list[str]) -> str:
    """One word or number of the quotation, each confusable character also accepting the OCR's forms."""
    numeric = any(char.isdigit() for char in run)
    table = OCR_DIGITS if numeric else OCR_LETTERS
    out = []
    for char in run:
        forms = table.get(char) if char.isdigit() == numeric else None
        if forms:
            out.append(f"(?:{re.escape(char)}|(?P<r{len(typed)}>{'|'.join(map(re.escape, forms))}))")
            typed.append(char)
        else:
            out.append(re.escape(char))
    return "".join(out)


def strip_markers(quote: str) -> str:
    """The quotation without footnote markers fused to its words."""
    return FOOTNOTE_MARKER.sub("", quote)


def plain_quote(quote: str) -> str:
    """The quotation's own words: elisions become spaces, brackets and footnote markers are dropped."""
    return EMENDATION.sub(r"\1", ELISION.sub(" ", strip_markers(quote)))


@dataclass
class SourceText:
    """One source's passages laid end to end in matching form, to search them as one string."""

    source: str
    ids: list[str]
    texts: list[str]
    kinds: list[str] = field(default_factory=list)      # each passage's kind ("body", "note", "heading", …)
    starts: list[int] = field(default_factory=list)
    joined: str = ""
    _vocabulary: Counter | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        forms, position = [], 0
        for text in self.texts:
            self.starts.append(position)
            form = match_form(text)
            forms.append(form)
            position += len(form)
        self.joined = "".join(forms)

    @property
    def vocabulary(self) -> Counter:
        """How often each word (case-folded) occurs in the source, to tell an OCR misreading from a word."""
        if self._vocabulary is None:
            counts: Counter = Counter()
            for text in self.texts:
                counts.update(ALNUM_RUN.findall(fold(text)))
            self._vocabulary = counts
        return self._vocabulary

    def find(self, pattern: QuotePattern | re.Pattern[str], ocr: bool = True) -> Hit | None:
        """The first place the quotation occurs as written; failing that (and with ``ocr``), read through the OCR's
        misreadings."""
        found = pattern.search(self.joined)
        if found is not None and found.end() > found.start():
            return self._hit(found, pattern)
        tolerant = pattern.tolerant if ocr and isinstance(pattern, QuotePattern) else None
        if tolerant is None:
            return None
        position = 0
        for _ in range(MAX_CANDIDATES):
            found = tolerant.search(self.joined, position)
            if found is None:
                return None
            if found.end() > found.start():
                readings = self._readings(found, pattern)
                if readings is not None:
                    return self._hit(found, pattern, readings)
            position = found.start() + 1
        return None

    def _display(self, offset: int) -> tuple[int, int]:
        """(passage index, display offset) of a matching-form offset."""
        index = bisect_right(self.starts, offset) - 1
        return index, match_offsets(self.texts[index])[offset - self.starts[index]]

    def _hit(self, found: re.Match[str], pattern, readings: tuple[OcrReading, ...] = ()) -> Hit:
        first, start = self._display(found.start())
        last, end = self._display(found.end() - 1)
        markers = tuple(text for i, text in enumerate(getattr(pattern, "markers", ())) if found.group(f"m{i}") is None)
        return Hit(self.source, tuple(self.ids[first:last + 1]), start, end + 1, markers, readings,
                   self._errata(readings))

    def _readings(self, found: re.Match[str], pattern: QuotePattern) -> tuple[OcrReading, ...] | None:
        """The misread words of a confusion-tolerant match, or None when they are too many or not misreadings."""
        by_word: dict[tuple[int, int, int], list[tuple[int, int, str]]] = {}
        for i, char in enumerate(pattern.typed):
            if found.start(f"r{i}") < 0:
                continue
            index, start = self._display(found.start(f"r{i}"))
            last, end = self._display(found.end(f"r{i}") - 1)
            text = self.texts[index]
            word = next((w for w in ALNUM_RUN.finditer(text) if w.start() <= start < w.end()), None)
            if word is None or last != index or end >= word.end():
                return None   # the OCR's form straddles two words: not one misread word
            by_word.setdefault((index, word.start(), word.end()), []).append((start, end + 1, char))
        if not by_word or len(by_word) > MAX_READINGS:
            return None
        readings = []
        for (index, start, end), substitutions in sorted(by_word.items()):
            text = self.texts[index]
            source_form = text[start:end]
            typed_form, cursor = "", start
            for sub_start, sub_end, char in substitutions:
                typed_form += text[cursor:sub_start] + (char.upper() if text[sub_start].isupper() else char)
                cursor = sub_end
            typed_form += text[cursor:end]
            if not self._is_misreading(source_form, typed_form, len(substitutions)):
                return None
            readings.append(OcrReading(source_form, typed_form, self.ids[index], start, end))
        return tuple(readings)

    def _is_misreading(self, source_form: str, typed_form: str, substitutions: int) -> bool:
        """Whether the source's word is the OCR's misreading of the typed one rather than another word."""
        source_key, typed_key = fold(source_form), fold(typed_form)
        if any(c.isdigit() for c in typed_key):
            if any(c.isdigit() for c in source_key) and any(c.isalpha() for c in source_key):
                return True       # "1gj7", "2o": digits and letters mixed are never a word
        elif substitutions > MAX_WORD_SUBSTITUTIONS or len(typed_key) < 2:
            return False  # a word misread throughout, or a one-letter word ("I" for "l"), is another word
        return self.vocabulary[typed_key] > self.vocabulary[source_key]

    def _errata(self, readings: tuple[OcrReading, ...]) -> tuple[ProposedErratum, ...]:
        """One erratum per stretch of misread words: the words with enough context to occur once in the source."""
        errata = []
        groups: list[list[OcrReading]] = []
        for reading in readings:
            if groups and groups[-1][-1].passage == reading.passage and reading.start - groups[-1][-1].end < 40:
                groups[-1].append(reading)
            else:
                groups.append([reading])
        for group in groups:
            index = self.ids.index(group[0].passage)
            text = self.texts[index]
            tokens = list(ALNUM_RUN.finditer(text))
            first = next(i for i, t in enumerate(tokens) if t.start() == group[0].start)
            last = next(i for i, t in enumerate(tokens) if t.start() == group[-1].start)
            for context in range(1, 6):
                lo, hi = max(first - context, 0), min(last + context, len(tokens) - 1)
                find = text[tokens[lo].start():tokens[hi].end()]
                if sum(t.count(find) for t in self.texts) == 1:
                    break
            start = tokens[lo].start()
            replace, cursor = "", start
            for reading in group:
                replace += text[cursor:reading.start] + f"[{reading.typed_form}]"
                cursor = reading.end
            replace += text[cursor:tokens[hi].end()]
            readings_note = ", ".join(f"{r.typed_form} as {r.source_form}" for r in group)
            errata.append(ProposedErratum(self.source, group[0].passage, find, replace,
                                          f"OCR read {readings_note}."))
        return tuple(errata)


def find_in(texts: Iterable[SourceText], pattern: QuotePattern) -> Hit | None:
    """The quotation as written in any of ``texts`` (in order), else through OCR misreadings in any of them: an exact
    hit in a later source wins over a misreading in an earlier one."""
    texts = list(texts)
    for ocr in (False, True):
        for text in texts:
            hit = text.find(pattern, ocr=ocr)
            if hit:
                return hit
    return None


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
