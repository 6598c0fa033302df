"""Reader for hard-wrapped OCR text of a printed book (Getty & Naumov, *The Road to Terror*, 1999).

The OCR keeps the printed page flow: running headers, body lines wrapped at the printed width, footnotes at the foot
of each page and the odd folio. The reader works in four steps.

1. Pages. A page starts at a line that follows three or more blank lines or that begins with a space (the OCR's trace
   of a page boundary). A running header (``Party Discipline in 193 z 95``, ``128 Closing Ranks``, a part title,
   ``Document 28 continued``) is dropped from the top of a page and a bare folio from its top or foot. Folios fix the
   printed page number; pages in between are counted from the nearest folio (front matter stays ``None``).
2. Structure. Chapter-level headings come from spaced labels (``C H A P T E R  O N E``, ``I N T R O D U C T I O N``,
   ``A P P E N D I X  O N E``) with the title under them, from standard matter names (Preface, Conclusion ...), from
   title lines that open a front-matter page, and from title-only part pages. A chapter whose label the OCR lost is
   a page that opens with epigraphs (``...-A. A. Andreev, 1937``) and then a paragraph that opens in capitals; a lost
   title is recovered from the chapter's recto running header. ``Document 12`` lines start document headings.
   Reading stops at the index.
3. Notes. A page's footnotes begin at the first numbered paragraph (``12.``, ``I .`` for 1, ``rz.`` for 12) that
   reads like a note (an archival or bibliographic citation, or the next number in the chapter's sequence); from
   there to the foot of the page each line that starts with the next number starts a new note.
4. Paragraphs and text. Blank lines and page breaks (with the footnotes at the page's foot) separate paragraphs,
   except where a paragraph plainly goes on: the next line starts in lowercase, or the previous one ends in a
   hyphen or runs to full width without final punctuation. A paragraph rejoined across a page break keeps the page
   it starts on, and its notes follow it. Line-break hyphens are resolved with the book's own vocabulary
   (``exe-/cuted`` -> ``executed`` because "executed" occurs elsewhere; ``life-and-/death`` keeps its hyphen); note
   markers glued to words (``regime.2``, ``December 193014``) are removed when one of the notes that follow carries
   that number; stray marks (``~``, lone dashes) are dropped. OCR misreadings are otherwise left as printed.
"""
from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field

from .passages import Block, clean_display

NUMBER_WORDS = {w: n for n, w in enumerate(
    "ONE TWO THREE FOUR FIVE SIX SEVEN EIGHT NINE TEN ELEVEN TWELVE THIRTEEN FOURTEEN FIFTEEN SIXTEEN SEVENTEEN "
    "EIGHTEEN NINETEEN TWENTY".split(), start=1)}
ROMAN = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
OCR_DIGITS = str.maketrans("IilrozZjgOS'", "111102239051")  # letters the OCR reads for digits in note numbers

# page furniture
RECTO = re.compile(r"^(?P<title>[A-Z][^\d]*?(?:\s\S{1,4})*?)\s+(?P<num>\d{1,3}|[ivxlc]{1,7})$")
VERSO = re.compile(r"^(?P<num>\d{1,3})\s+(?P<title>[A-Z][A-Za-z .,:'-]*)$")
FOLIO = re.compile(r"^\d{1,3}$")
DOCUMENT = re.compile(r"^Document\s+(?P<num>[0-9IilrozZjgOS]{1,4})(?P<part>\([a-z]\))?"
                      r"(?P<rest>\s+(?:[cC][a-z]+|[\w ]*~[~\w ]*))?$")  # "Document 148(a)", "Document 28 continued"

# structure
LABEL = re.compile(r"^(?P<kind>CHAPTER|APPENDIX|INTRODUCTION)(?P<num>[A-Z]+|\d+)?$")
MATTER = re.compile(r"^(Preface|Foreword|Acknowledge?ments|Introduction|Conclusion|Epilogue|Afterword|Glossary|"
                    r"Bibliography|Biographical Sketches|Chronology|Notes|Index)$")
EPIGRAPH_END = re.compile(r"[.?!,;\]\"'] ?- ?[A-Z\\'][\w.' \\-]{1,60}(?:, ['\d][\d ]{2,4})?$")
OPENER = re.compile(r"^[A-Z][A-Z'-]+:? [A-Z0-9][A-Z0-9'-]*\b.*[a-z]")
INDEX_ENTRY = re.compile(r"^[A-Z][A-Za-z'~-]+, [A-Z][a-z]{0,2}\.(?: ?[A-Z][a-z]?\.)*:")
INITIALS = re.compile(r"\b[A-Z]\. ")
NOT_A_HEADING = re.compile(r"[(#]|\w\.(?<!vs\.) ")  # parentheses, numbers, abbreviations ("Vlad. Trofimov")
DATED_HEADING = re.compile(r"^\d{4}: [A-Z]")      # "1936: The Human Element"
WHITESPACE = re.compile(r"\s+")
NON_LETTERS = re.compile(r"[^a-z]")
SPEAKER = re.compile(r"^[A-Z][\w'.\[\] -]{0,30}: ")  # "Voices: That's right!" opens a turn in a transcript
SIGNATURE = re.compile(r"^(?:Secretary|Chairman|Deputy|Head|Member|Commissar|Procurator)\b")

# notes
NEXT_NOTE_TEXT = re.compile(r"^[A-Z][a-z]")  # a garbled number before a sentence after a finished note: the next note
LOWERCASE_WORD = re.compile(r"\b[a-z]{2,}")
NOTE_START = re.compile(r"^(?P<num>[0-9IilrzZjgoOS'][0-9IilrzZjgoOS' ]{0,3}?) ?\.\s+(?=\S)")
CITATION = re.compile(
    r"RTs|TsKh|GARF|RGA|[Aa]rkhiv|\b[Ss]ee\b|\bf\. ?\d|\bop\.|Trans\b|Ibid|Chuev|Pravda|Pmvd|Izv|Vopros|Voprory|"
    r"novosti|no\. ?\d|\beds?\.|, (?:Moscow|New York|Cambridge|Oxford|London|Princeton|Berkeley|Bloomington|Paris)\b|"
    r"\b1[89]\d\d, \d")
MARKER = re.compile(
    r"\b(?P<year>1[89]\d\d)(?P<ynote>\d{1,2})(?=[\"']?$)"        # line-final "December 193014": 1930 + note 14
    r"|(?<=[A-Za-z.,;:!?\"')\]])(?P<note>\d{1,3})(?=[\s\"A-Z]|$)"  # regime.2 / Kaganovich39 / 1).47The
    r"|(?<=[.,;:!?])(?P<one>')(?=\s|$)")                         # dictators.' (the OCR's note 1)
MAY_HOLD_MARKER = re.compile(r"\d|[.,;:!?]'")  # cheap test before the costly MARKER
NOTES_AHEAD = 8  # a glued number is looked up among this many following notes

# text
TERMINAL = re.compile(r"[.!?:][\"'\)\]]*(?:\d{1,3}'?|')?$")
HYPHEN_END = re.compile(r"(?P<word>[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*)-$")
LEADING_WORD = re.compile(r"[A-Za-z0-9]+")
TITLE_TOKEN = re.compile(r"[A-Za-z]+|\S")
GARBAGE_TOKEN = re.compile(r"(?<!\S)[-=*^+<>\\|]+(?!\S)")
PREFIX_WORDS = frozenset(
    "self well non anti so ex half quasi all one two three four five six seven eight nine ten twenty thirty forty "
    "fifty hundred long short first second third high low full left right mid pre post ultra".split())


@dataclass
class _Unit:
    """A block under construction: raw lines until :func:`_finish` turns them into display text."""

    kind: str
    lines: list[str]
    chapter: str | None
    page: int | None
    marker: str | None = None
    notes: list[str] = field(default_factory=list)


def read_ocr(text: str) -> list[Block]:
    """Blocks of a hard-wrapped OCR book in reading order: headings, body paragraphs and footnotes."""
    lines = text.splitlines()
    pages = _split_pages(lines)
    anchors, recto_titles = _strip_folios(pages)
    reader = _Reader(pages, _page_numbers(len(pages), anchors), recto_titles, _Vocabulary(text))
    units = reader.read()
    _extract_markers(units)
    return [block for block in (_finish(u, reader.vocab) for u in units) if block.text]


# ---------------------------------------------------------------------------------------------------- pages

def _split_pages(lines: list[str]) -> list[list[str]]:
    """Pages as lists of stripped lines (blank lines kept: they separate paragraphs).

    Two indented lines in a row mark one boundary: the first is the foot of the page before (a footnote's last line).
    """
    pages: list[list[str]] = [[]]
    blanks = 0
    for raw in lines:
        line = raw.strip()
        if not line:
            blanks += 1
            pages[-1].append("")
            continue
        if pages[-1] and (blanks >= 3 or raw.startswith(" ")):
            if len(pages) > 1 and len(pages[-1]) == 1 and raw.startswith(" "):
                pages[-2].extend(pages.pop())
            pages.append([])
        blanks = 0
        pages[-1].append(line)
    return pages


def _edge(page: list[str], last: bool) -> int | None:
    """Index of the first (or last) non-blank line of a page."""
    order = range(len(page) - 1, -1, -1) if last else range(len(page))
    return next((i for i in order if page[i]), None)


def _header(line: str) -> tuple[str, str, bool] | None:
    """(folio, title, is recto) of a running header: "Party Discipline in 193 z 95", "128 Closing Ranks", "... xxv".

    A recto header's folio follows its title and is odd (or roman); a verso header's folio leads and is even.
    """
    recto, verso = RECTO.match(line), VERSO.match(line)
    if recto and len(recto["title"]) <= 45 and _is_title(recto["title"]) and not DOCUMENT.match(line):
        if not recto["num"].isdigit() or int(recto["num"]) % 2:
            return recto["num"], recto["title"], True
    if verso and int(verso["num"]) % 2 == 0:
        return verso["num"], verso["title"], False
    return None


def _strip_folios(pages: list[list[str]]) -> tuple[list[tuple[int, int]], dict[int, str]]:
    """Drop running headers and bare folios; return (page index, printed page) anchors and recto header titles.

    A folio is believed when it keeps step with the page count since the previous one (pages the OCR lost may
    only widen the gap); the first one must come from a recto header. Roman-numbered headers of the front matter
    are dropped wherever the OCR put them.
    """
    anchors: list[tuple[int, int]] = []
    recto_titles: dict[int, str] = {}

    def plausible(k: int, number: int) -> bool:
        if not anchors:
            return False
        drift = (number - k) - (anchors[-1][1] - anchors[-1][0])
        return -2 <= drift <= 20

    for k, page in enumerate(pages):
        if not anchors:
            for index, line in enumerate(page):
                header = _header(line) if line else None
                if header and not header[0].isdigit():
                    page[index] = ""
        top = _edge(page, last=False)
        header = _header(page[top]) if top is not None else None
        if header and header[0].isdigit() and (plausible(k, int(header[0])) or not anchors and header[2]):
            anchors.append((k, int(header[0])))
            if header[2]:
                recto_titles[k] = header[1]
            page[top] = ""
        for last in (False, True):
            edge = _edge(page, last)
            if edge is not None and FOLIO.match(page[edge]) and plausible(k, int(page[edge])):
                anchors.append((k, int(page[edge])))
                page[edge] = ""
    return anchors, recto_titles


def _page_numbers(count: int, anchors: list[tuple[int, int]]) -> list[int | None]:
    """Printed page of each page index, counted from the nearest anchor; ``None`` before page 1."""
    if not anchors:
        return [None] * count
    numbers: list[int | None] = []
    position = 0
    for k in range(count):
        while position + 1 < len(anchors) and abs(anchors[position + 1][0] - k) <= abs(anchors[position][0] - k):
            position += 1
        number = anchors[position][1] + k - anchors[position][0]
        numbers.append(number if number >= 1 else None)
    return numbers


# ------------------------------------------------------------------------------------------------ structure

def _squeeze(line: str) -> str:
    """A spaced label closed up: "C H A P T E R  O N E" -> "CHAPTERONE"."""
    return WHITESPACE.sub("", line).upper()


def _letters(text: str) -> str:
    """Letters only, lowercased: how a running header is compared with a title."""
    return NON_LETTERS.sub("", text.lower())


def _is_title(line: str) -> bool:
    """A short title-case line without final punctuation ("Local Cadres and Family Circles")."""
    words = line.split()
    if not 1 <= len(words) <= 9 or len(line) > 60 or line.endswith((".", ",", ";", "-", "!")):
        return False
    if line.isupper() or INITIALS.search(line) or not (line[0].isupper() or line[0] in "\"'"):
        return False
    long_words = [w.strip("\"'(") for w in words if len(w.strip("\"'(")) > 3]
    return all(w[:1].isupper() or w[:1].isdigit() or not w.islower() for w in long_words)  # "andLegality"


def _is_section_heading(para: list[str]) -> bool:
    line = para[0]
    if len(para) != 1 or line.endswith(":") or NOT_A_HEADING.search(line) or SIGNATURE.match(line):
        return False
    if line[0].isdigit():
        return bool(DATED_HEADING.match(line))
    return len(line.split()) >= 2 and _is_title(line)


def _is_epigraph(para: list[str]) -> bool:
    return bool(EPIGRAPH_END.search(" ".join(para)))


def _title_text(lines: list[str]) -> str:
    """A heading's title: lines joined, digits the OCR spaced apart closed up ("193 2" -> "1932")."""
    return clean_display(re.sub(r"(?<=\d) (?=\d)", "", " ".join(lines)))


def _roman(number: int) -> str:
    return ROMAN[number] if number < len(ROMAN) else str(number)


class _Reader:
    """Walks the pages in order, tracking chapter, document and note numbering."""

    def __init__(self, pages: list[list[str]], numbers: list[int | None], recto_titles: dict[int, str],
                 vocab: _Vocabulary) -> None:
        self.pages, self.numbers, self.recto_titles, self.vocab = pages, numbers, recto_titles, vocab
        self.units: list[_Unit] = []
        self.chapter: str | None = None
        self.chapter_no = 0
        self.part_no = 0
        self.in_chapters = False            # past the front matter
        self.back_matter = False            # past the last numbered chapter
        self.known_titles: set[str] = set()  # texts a running header may repeat
        self.document: str | None = None     # the document being read ("12", "148(a)")
        self.next_note = 1
        self.open: _Unit | None = None      # last body paragraph, if the next page may continue it
        self.page: int | None = None        # printed page being read

    # .................................................................................................... pages
    def read(self) -> list[_Unit]:
        for k, page in enumerate(self.pages):
            lines = self._drop_headers(page)
            paras = _paragraphs(lines)
            if not paras:
                continue
            if self.back_matter and INDEX_ENTRY.match(paras[0][0]):
                break                                   # the index only repeats names and page numbers
            self.page = self.numbers[k]
            rest = self._structure(k, paras)
            if rest is None:
                continue
            continues = rest is paras                   # no heading opened the page
            zone = self._note_zone(rest)
            self._read_body(rest[:zone], continues, _page_width(lines))
            self._read_notes(rest[zone:])
        return self.units

    def _drop_headers(self, page: list[str]) -> list[str]:
        """Drop "Document N continued" lines anywhere and a repeated part or chapter title at the top."""
        lines = []
        for line in page:
            doc = DOCUMENT.match(line)
            if doc and (doc["rest"] or _document_id(doc) == self.document):
                continue
            lines.append(line)
        top = _edge(lines, last=False)
        if top is not None and _letters(lines[top]) in self.known_titles:
            lines[top] = ""
        return lines

    # ................................................................................................ structure
    def _structure(self, k: int, paras: list[list[str]]) -> list[list[str]] | None:
        """Emit the headings that open a page; return the paragraphs left, or None when the page is done."""
        first = paras[0][0]
        label = LABEL.match(_squeeze(first))
        if self._is_part_page(k, paras):
            self._part([line for para in paras for line in para])
            return None
        if label:
            return self._labelled(label, paras)
        if MATTER.match(first) and len(paras[0]) == 1:
            self._start_chapter(first, is_numbered=False)
            self.back_matter = self.back_matter or self.chapter_no > 0
            return paras[1:]
        if not self.in_chapters and len(paras) > 1 and len(paras[0]) <= 2 and len(paras[1]) > 1 \
                and _is_title(" ".join(paras[0])):
            self._start_chapter(_title_text(paras[0]), is_numbered=False)
            return paras[1:]
        if self.chapter_no and not self.back_matter:
            return self._unlabelled_chapter(k, paras)
        return paras

    def _is_part_page(self, k: int, paras: list[list[str]]) -> bool:
        """A page holding only a short title (and maybe a roman numeral), followed by a chapter label."""
        lines = [line for para in paras for line in para]
        if len(lines) > 3 or not all(line in ROMAN[1:] or len(line) <= 40 and _is_title(line) for line in lines):
            return False
        following = self.pages[k + 1] if k + 1 < len(self.pages) else []
        top = _edge(following, last=False)
        return top is not None and bool(LABEL.match(_squeeze(following[top])))

    def _part(self, lines: list[str]) -> None:
        numeral = lines[0] if lines[0] in ROMAN[1:] else None
        title = _title_text(lines[1:] if numeral else lines)
        self.known_titles.add(_letters(title))
        if numeral is None and not self.part_no:
            return                                      # the half-title page repeats the book's title
        self.part_no = ROMAN.index(numeral) if numeral else self.part_no + 1
        self._start_chapter(f"Part {_roman(self.part_no)}: {title}", is_numbered=False)

    def _labelled(self, label: re.Match, paras: list[list[str]]) -> list[list[str]]:
        kind, num = label["kind"], label["num"]
        title_lines = paras[0][1:]
        rest = paras[1:]
        if not title_lines and rest and len(rest[0]) <= 3 and all(len(line) <= 50 for line in rest[0]):
            title_lines, rest = rest[0], rest[1:]
        title = _title_text(title_lines)
        number = (int(num) if num.isdigit() else NUMBER_WORDS.get(num)) if num else None
        if kind == "CHAPTER":
            self.chapter_no = number or self.chapter_no + 1
            self._start_chapter(f"Chapter {self.chapter_no}: {title}", is_numbered=True, title=title)
        elif kind == "APPENDIX":
            self.back_matter = True
            self._start_chapter(f"Appendix {number or 1}: {title}", is_numbered=False, title=title)
        else:
            self._start_chapter(f"Introduction: {title}" if title else "Introduction", is_numbered=False, title=title)
        return rest

    def _unlabelled_chapter(self, k: int, paras: list[list[str]]) -> list[list[str]]:
        """A chapter whose label the OCR lost: [title line] + epigraphs + a paragraph opening in capitals."""
        title = paras[0][0] if len(paras[0]) == 1 and _is_title(paras[0][0]) else None
        start = 1 if title else 0
        end = start
        while end < len(paras) and _is_epigraph(paras[end]):
            end += 1
        if end == start or end >= len(paras) or not OPENER.match(paras[end][0]):
            return paras
        title = title or self._title_from_running_header(k)
        self.chapter_no += 1
        heading = f"Chapter {self.chapter_no}: {title}" if title else f"Chapter {self.chapter_no}"
        self._start_chapter(heading, is_numbered=True, title=title)
        return paras[start:]

    def _title_from_running_header(self, k: int) -> str | None:
        """The first recto header of the chapter starting at page ``k``, its run-together words separated."""
        for j in range(k + 1, len(self.pages)):
            top = _edge(self.pages[j], last=False)
            if top is not None and LABEL.match(_squeeze(self.pages[j][top])):
                return None
            if j in self.recto_titles and _letters(self.recto_titles[j]) not in self.known_titles:
                words = [self.vocab.segment(w) if w.isalpha() else w for w in TITLE_TOKEN.findall(self.recto_titles[j])]
                title = _title_text(words).replace(" .", ".").replace(" ,", ",").replace(" :", ":")
                return re.sub(r"\. (\d{4})$", r", \1", title)  # "Terror. 1938": the OCR's comma
        return None

    def _start_chapter(self, heading: str, is_numbered: bool, title: str | None = None) -> None:
        self.chapter = heading
        self.units.append(_Unit("heading", [heading], heading, self.page))
        self.known_titles.update(_letters(t) for t in (title, heading) if t)
        self.in_chapters = self.in_chapters or is_numbered or heading.startswith(("Introduction", "Part"))
        self.next_note = 1
        self.document = None
        self.open = None

    # ..................................................................................................... body
    def _read_body(self, paras: list[list[str]], continues: bool, width: float) -> None:
        previous: _Unit | None = None  # body unit of the previous paragraph on this page
        for index, para in enumerate(paras):
            doc = DOCUMENT.match(para[0])
            if doc:
                self.document = _document_id(doc)
                caption = para[1:4]
                heading = f"Document {self.document}" + (": " if caption else "")
                self.units.append(_Unit("heading", [heading, *caption], self.chapter, self.page))
                if para[4:]:
                    self.units.append(_Unit("body", para[4:], self.chapter, self.page))
                previous = None
                continue
            following = paras[index + 1] if index + 1 < len(paras) else None
            if _is_section_heading(para) and following and len(following) > 1 and len(following[0]) >= 40:
                self.units.append(_Unit("heading", para, self.chapter, self.page))
                previous = None
                continue
            if index == 0 and continues and self.open and _continues(self.open.lines, para[0], width):
                previous = self.open                    # a paragraph the page break cut in two
                previous.lines.extend(para)
            elif previous and _continues(previous.lines, para[0], width):
                previous.lines.extend(para)
            else:
                previous = _Unit("body", list(para), self.chapter, self.page)
                self.units.append(previous)
        self.open = previous

    # .................................................................................................... notes
    def _note_zone(self, paras: list[list[str]]) -> int:
        """Index of the paragraph where the page's footnotes begin (``len(paras)`` when there are none)."""
        for index in range(1, len(paras)):
            number = _note_number(paras[index][0])
            if number is None:
                continue
            text = " ".join(paras[index])
            in_sequence = self.next_note <= number <= self.next_note + 2 and LOWERCASE_WORD.search(text)
            if (CITATION.search(text) or in_sequence) and all(map(_may_continue_notes, paras[index + 1:])):
                return index
        return len(paras)

    def _read_notes(self, paras: list[list[str]]) -> None:
        note: _Unit | None = None
        for line in (line for para in paras for line in para):
            number = _note_number(line)
            if note is None:
                if not self.next_note - 1 <= (number or 0) <= self.next_note + 9:
                    number = self.next_note                 # a garbled number: take the expected one
            elif number is None or not int(note.marker) < number <= int(note.marker) + 3:
                if number is None or not NEXT_NOTE_TEXT.match(NOTE_START.sub("", line, count=1)) \
                        or not note.lines[-1].endswith("."):
                    note.lines.append(line)
                    continue
                number = int(note.marker) + 1               # "I. Memo from ..." after note 1: note 2
            note = _Unit("note", [NOTE_START.sub("", line, count=1)], self.chapter, self.page, marker=str(number))
            self.units.append(note)
            self.next_note = number + 1


def _may_continue_notes(para: list[str]) -> bool:
    """Whether a paragraph can sit among footnotes: a note, a short or lowercase fragment, or a citation."""
    return (_note_number(para[0]) is not None or len(para) <= 2 or not para[0][:1].isupper()
            or bool(CITATION.search(" ".join(para))))


def _document_id(match: re.Match) -> str:
    """A document's number as printed, digits the OCR misread restored ("Document ig" is document 19)."""
    return str(int(match["num"].translate(OCR_DIGITS))) + (match["part"] or "")


def _note_number(line: str) -> int | None:
    match = NOTE_START.match(line)
    if not match:
        return None
    digits = match["num"].replace(" ", "").translate(OCR_DIGITS)
    return int(digits) if digits.isdigit() and 0 < int(digits) < 200 else None


def _paragraphs(lines: list[str]) -> list[list[str]]:
    paras: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paras.append(current)
            current = []
    if current:
        paras.append(current)
    return paras


def _page_width(lines: list[str]) -> float:
    lengths = [len(line) for line in lines if len(line) > 30]
    return statistics.median(lengths) if lengths else 65.0


MIN_FULL_LINE = 40  # characters: no shorter line counts as running to the full measure


def _continues(previous: list[str], line: str, page_width: float) -> bool:
    """Whether ``line`` (after a blank line or a page break) continues the paragraph ``previous``."""
    last = previous[-1]
    if line[:1].islower() or last.endswith("-") and HYPHEN_END.search(last) and not SPEAKER.match(line):
        return True
    if DOCUMENT.match(line) or _note_number(line) is not None or TERMINAL.search(last) or EPIGRAPH_END.search(last):
        return False
    width = statistics.median(len(x) for x in previous[:-1]) if len(previous) > 2 else page_width
    return len(last) >= max(MIN_FULL_LINE, 0.88 * width)       # an unfinished sentence on a full line


# ----------------------------------------------------------------------------------------------------- text

class _Vocabulary:
    """Word counts of the whole book, to tell a line-break hyphen from a compound's hyphen."""

    def __init__(self, text: str) -> None:
        tokens = Counter(re.findall(r"[a-z]+(?:-[a-z]+)*", text.lower()))
        self.compounds = Counter({token: n for token, n in tokens.items() if "-" in token})
        self.words = Counter({token: n for token, n in tokens.items() if "-" not in token})
        for compound, n in self.compounds.items():
            for part in compound.split("-"):
                self.words[part] += n
        self.total = sum(self.words.values())

    def keeps_hyphen(self, left: str, right: str) -> bool:
        head = left.rsplit("-", 1)[-1]
        joined = self.words[(head + right).lower()]
        hyphenated = self.compounds[f"{left}-{right}".lower()] + self.compounds[f"{head}-{right}".lower()]
        if hyphenated != joined:
            return hyphenated > joined
        return right[:1].isupper() or head.lower() in PREFIX_WORDS or "-" in left

    def segment(self, run: str) -> str:
        """Split words the OCR ran together ("EndingtheTerror" -> "Ending the Terror"): likeliest words."""
        lowered = run.lower()
        best: list[tuple[float, int]] = [(0.0, 0)] + [(math.inf, 0)] * len(run)
        for end in range(1, len(run) + 1):
            for start in range(max(0, end - 20), end):
                count = self.words.get(lowered[start:end], 0) if end - start < len(run) else 0
                cost = best[start][0] - math.log(count / self.total) if count else math.inf
                if cost < best[end][0]:
                    best[end] = (cost, start)
        if best[-1][0] == math.inf:
            return run
        words, end = [], len(run)
        while end:
            start = best[end][1]
            words.append(run[start:end])
            end = start
        return " ".join(reversed(words))


def _clean_line(line: str) -> str:
    return GARBAGE_TOKEN.sub("", line.replace("~", "")).strip()


def _join_lines(lines: list[str], vocab: _Vocabulary) -> str:
    """Join wrapped lines; a line-end hyphen is kept for compounds and ranges, dropped for a split word."""
    pieces: list[str] = []
    for line in filter(None, map(_clean_line, lines)):
        if pieces:
            hyphen = HYPHEN_END.search(pieces[-1]) if pieces[-1].endswith("-") else None
            first = LEADING_WORD.match(line)
            if hyphen and first:
                left, right = hyphen["word"], first.group()
                keep = right[0].isdigit() or left[-1].isdigit() or vocab.keeps_hyphen(left, right)
                pieces[-1] = pieces[-1][:-1] + ("-" if keep else "")
            else:
                pieces.append(" ")
        pieces.append(line)
    return "".join(pieces)


def _extract_markers(units: list[_Unit]) -> None:
    """Remove note markers glued to body and heading text: a glued number counts as a marker when one of the next
    few notes in reading order (the notes at the foot of its page) carries it and it has not been cited yet."""
    upcoming: list[int] = []
    ahead: list[list[int]] = [[] for _ in units]
    for index in range(len(units) - 1, -1, -1):
        if units[index].kind == "note":
            upcoming = [int(units[index].marker), *upcoming[:NOTES_AHEAD - 1]]
        else:
            ahead[index] = upcoming
    cited: set[int] = set()
    for unit, candidates in zip(units, ahead):
        if unit.kind == "heading" and unit.lines == [unit.chapter]:
            cited.clear()                                # note numbers start afresh in each chapter
        if unit.kind == "note" or not candidates:
            continue

        def strip(match: re.Match) -> str:
            number = int(match["ynote"] or match["note"] or "1")
            if number not in candidates or number in cited:
                return match.group()
            cited.add(number)
            unit.notes.append(str(number))
            after = match.string[match.end():match.end() + 1]
            return (match["year"] or "") + (" " if after.isalpha() else "")

        unit.lines = [MARKER.sub(strip, line) if MAY_HOLD_MARKER.search(line) else line for line in unit.lines]


def _finish(unit: _Unit, vocab: _Vocabulary) -> Block:
    text = clean_display(_join_lines(unit.lines, vocab))
    return Block(kind=unit.kind, text=text, chapter=unit.chapter, page=unit.page, marker=unit.marker,
                 notes=unit.notes)
