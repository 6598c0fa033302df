"""The unit of citation.

A format reader turns one seed text into a list of :class:`Block` (what the text *is*: a body paragraph, a heading,
a note or a compilation record, with the chapter and printed page it sits on). :func:`number_blocks` gives each block a
stable id and yields :class:`Passage` objects, the shape everything downstream uses.
"""
from __future__ import annotations

import unicodedata
from dataclasses import asdict, dataclass, field

KINDS = ("body", "heading", "note", "record")


@dataclass(frozen=True)
class Citation:
    """Where a compilation took a quotation from (parsed from its citation line)."""

    raw: str
    author: str | None = None
    title: str | None = None
    place: str | None = None
    publisher: str | None = None
    year: str | None = None          # as printed: "1941", "c1941", "1935-1937"
    pages: str | None = None         # as printed: "42", "230-31", "VII" ; None when missing
    container: str | None = None     # periodical or collection for an article ("New Republic")
    editors: str | None = None
    translators: str | None = None
    complete: bool = False           # author, title and year all found

    def to_json(self) -> dict:
        return asdict(self)


@dataclass
class Block:
    """One unit as a reader found it, before numbering."""

    kind: str                        # one of KINDS
    text: str                        # display text: joined, de-hyphenated, note markers removed
    chapter: str | None = None       # title of the chapter/section the block sits in
    page: int | None = None          # printed page where the block starts, when the text gives one
    marker: str | None = None        # for notes: the note number ("12"); for body: None
    notes: list[str] = field(default_factory=list)   # for body: markers of the notes it cites, in order
    heading: str | None = None       # for records: the compiler's heading (claim) above the quote
    comments: list[str] = field(default_factory=list)  # for records: compiler's bracketed lead-ins/comments
    citation: Citation | None = None  # for records
    raw: str | None = None           # original text when errata changed it


@dataclass(frozen=True)
class Passage:
    id: str                          # "<source>:p<n>", stable for a given seed text
    source: str
    n: int
    kind: str
    text: str
    chapter: str | None = None
    page: int | None = None
    marker: str | None = None
    notes: tuple[str, ...] = ()
    heading: str | None = None
    comments: tuple[str, ...] = ()
    citation: Citation | None = None
    raw: str | None = None

    @property
    def anchor(self) -> str:
        return f"p{self.n}"

    def to_json(self) -> dict:
        data = {
            "id": self.id,
            "source": self.source,
            "text": self.text,
            "chapter": self.chapter,
            "page": self.page,
            "kind": self.kind,
        }
        if self.marker:
            data["marker"] = self.marker
        if self.notes:
            data["notes"] = list(self.notes)
        if self.kind == "record":
            data["heading"] = self.heading
            data["comments"] = list(self.comments)
            data["citation"] = self.citation.to_json() if self.citation else None
        if self.raw:
            data["raw"] = self.raw
        return data


def number_blocks(source_id: str, blocks: list[Block]) -> list[Passage]:
    """Give blocks their stable ids: ``<source>:p<n>``, numbered from 1 in reading order."""
    return [
        Passage(
            id=f"{source_id}:p{n}",
            source=source_id,
            n=n,
            kind=b.kind,
            text=b.text,
            chapter=b.chapter,
            page=b.page,
            marker=b.marker,
            notes=tuple(b.notes),
            heading=b.heading,
            comments=tuple(b.comments),
            citation=b.citation,
            raw=b.raw,
        )
        for n, b in enumerate((b for b in blocks if b.text.strip()), start=1)
    ]


SUPERSCRIPT_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


def clean_display(text: str) -> str:
    """Display form: NFC, single spaces, no stray control characters."""
    text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())
