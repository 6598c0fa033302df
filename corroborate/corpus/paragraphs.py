"""Reader for texts laid out one paragraph per line (Goldman 2008, Rogovin 2009).

Body paragraphs carry Unicode superscript note markers (``Party.⁴``). Notes are either interleaved with the body as
lines that begin with a superscript number (Goldman) or gathered in an "Endnotes" section, numbered ``1.`` afresh for
each chapter (Rogovin). Headings are short lines without final punctuation; where the text has a table of contents
(Rogovin), a line that repeats a contents entry starts a chapter. Reading stops at the index, which only repeats
names.

A note block or page break in the original sometimes cut a paragraph in two; such a pair is rejoined: a body line
without final punctuation followed by a body line that starts in lowercase.
"""
from __future__ import annotations

import re

from .passages import SUPERSCRIPT_DIGITS, Block, clean_display

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
NOTE_LINE = re.compile(rf"^\s*([{SUPERSCRIPTS}]+)\s*(.*)$")
MARKER = re.compile(rf"(?<=\S)([{SUPERSCRIPTS}]+)")
ENDNOTE_LINE = re.compile(r"^(\d{1,3})\.\s+(.*)$")
TOC_ENTRY = re.compile(r"^(?P<title>.+?)(?:\t+|\.{3,}\s*)(?P<page>[0-9ivxlc]+)\s*$")
FINAL_PUNCTUATION = tuple('.!?:;"”’\')]*…')


def _key(title: str) -> str:
    """Compare headings loosely: quotes, dots and case do not matter."""
    return re.sub(r"[\W_]+", " ", title.casefold()).strip()


def _contents(lines: list[str]) -> list[str]:
    """Titles listed in a table of contents ("Contents" followed by ``title<TAB>page`` lines)."""
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == "Contents")
    except StopIteration:
        return []
    titles, blanks = [], 0
    for line in lines[start + 1:]:
        match = TOC_ENTRY.match(line.strip())
        if match:
            titles.append(match["title"].rstrip(". "))
            blanks = 0
        elif not line.strip():
            blanks += 1
            if blanks > 1 and titles:
                break
        else:
            break
    return titles


def _top_level(titles: list[str]) -> set[str]:
    """Contents entries that are chapters: unnumbered ones and the main numbering (not sub-sections)."""
    chapters, expected = set(), 1
    for title in titles:
        number = re.match(r"^(\d+)\.", title)
        if number is None or int(number[1]) == expected:
            chapters.add(_key(title))
            if number:
                expected += 1
    return chapters


def _is_heading(line: str) -> bool:
    words = line.split()
    return (
        0 < len(words) <= 12
        and len(line) < 90
        and not line.endswith(FINAL_PUNCTUATION)
        and (line[0].isupper() or line[0].isdigit() or line[0] in "“\"")
    )


def _rejoin(first: str, second: str) -> str:
    """Join the two halves of a cut paragraph; a word cut at the break ("politi-" + "cal") is made whole."""
    if re.search(r"\w-$", first):
        return first[:-1] + second
    return f"{first} {second}"


def _chapter_key(title: str) -> str:
    """A chapter's number when it has one ("20.3 Voroshilov" belongs to chapter 20), else its title."""
    number = re.match(r"^(\d+)\.", title)
    return number[1] if number else _key(title)


def _split_markers(text: str) -> tuple[str, list[str]]:
    markers = [m.translate(SUPERSCRIPT_DIGITS) for m in MARKER.findall(text)]
    return MARKER.sub("", text), markers


def read_paragraphs(text: str) -> list[Block]:
    lines = text.splitlines()
    contents = _contents(lines)
    toc_keys = {_key(t) for t in contents}
    chapter_keys = _top_level(contents)
    contents_end = _contents_end(lines) if contents else 0

    blocks: list[Block] = []
    chapter: str | None = None
    endnotes: list[tuple[str | None, list[Block]]] | None = None  # sections of the Endnotes, once reached
    open_paragraph: Block | None = None  # last body block, if it may continue

    for index, raw in enumerate(lines):
        line = raw.strip()
        if not line:
            continue
        if endnotes is not None:
            if line == "Index":
                break  # the index and the back cover only repeat names and praise
            _read_endnote_line(line, chapter, blocks, toc_keys, endnotes)
            continue
        note = NOTE_LINE.match(line)
        if note:
            body, _ = _split_markers(note[2])
            blocks.append(Block("note", clean_display(body), chapter=chapter,
                                marker=note[1].translate(SUPERSCRIPT_DIGITS)))
            continue
        key = _key(line)
        if index >= contents_end and key in toc_keys:
            if key in chapter_keys:
                chapter = clean_display(line)
                if key == "endnotes":
                    endnotes = []
            blocks.append(Block("heading", clean_display(line), chapter=chapter))
            open_paragraph = None
            continue

        body, markers = _split_markers(line)
        body = clean_display(body)
        if open_paragraph is not None and body[:1].islower():
            open_paragraph.text = _rejoin(open_paragraph.text, body)
            open_paragraph.notes.extend(markers)
            open_paragraph = open_paragraph if not body.endswith(FINAL_PUNCTUATION) else None
            continue
        if not contents and _is_heading(body) and not markers:
            chapter = body if index > 30 else chapter
            blocks.append(Block("heading", body, chapter=chapter))
            open_paragraph = None
            continue
        block = Block("body", body, chapter=chapter, notes=markers)
        blocks.append(block)
        open_paragraph = block if not body.endswith(FINAL_PUNCTUATION) else None
    if endnotes:
        _assign_endnotes(blocks, endnotes)
    return blocks


def _read_endnote_line(line: str, chapter: str | None, blocks: list[Block], toc_keys: set[str],
                       sections: list[tuple[str | None, list[Block]]]) -> None:
    """Endnotes come in sections, one per chapter, each numbered from 1; a section may repeat its chapter's title.

    A number lower than or equal to the previous one starts a new section; a line that is neither a title nor a
    numbered note continues the previous note (a page break cut it in two).
    """
    bare = line.lstrip("- ").strip("*")
    if _key(bare) in toc_keys or re.sub(r"^\d+\.\d+\s", "", bare) != bare:
        sections.append((clean_display(bare), []))
        blocks.append(Block("heading", clean_display(bare), chapter=chapter))
        return
    endnote = ENDNOTE_LINE.match(bare)
    if endnote:
        number = int(endnote[1])
        current = sections[-1][1] if sections else None
        if current is None or (current and number <= int(current[-1].marker or 0)):
            sections.append((None, []))
        note = Block("note", clean_display(endnote[2]), chapter=chapter, marker=endnote[1])
        sections[-1][1].append(note)
        blocks.append(note)
    elif blocks and blocks[-1].kind == "note":
        blocks[-1].text = clean_display(f"{blocks[-1].text} {bare}")
    else:
        blocks.append(Block("body", clean_display(line), chapter=chapter))


def _assign_endnotes(blocks: list[Block], sections: list[tuple[str | None, list[Block]]]) -> None:
    """Attach each endnote section to the body chapter whose markers it explains.

    A section with a title is matched to the chapter of that title; one without follows the previous match.
    """
    cited = []  # body chapters that cite notes, in reading order
    for block in blocks:
        if block.kind == "body" and block.notes and block.chapter not in cited:
            cited.append(block.chapter)
    keys = [_chapter_key(c or "") for c in cited]
    position = -1
    for title, notes in sections:
        if not notes:
            continue
        title_key = _chapter_key(title or "")
        if title_key in keys[position + 1:]:
            position = keys.index(title_key, position + 1)
        elif title is None or title_key not in keys:
            position += 1
        if position < len(cited):
            for note in notes:
                note.chapter = cited[position]


def _contents_end(lines: list[str]) -> int:
    """Index of the first line after the table of contents."""
    start = next(i for i, line in enumerate(lines) if line.strip() == "Contents")
    index = start + 1
    blanks = 0
    while index < len(lines):
        stripped = lines[index].strip()
        if TOC_ENTRY.match(stripped):
            blanks = 0
        elif not stripped:
            blanks += 1
        else:
            break
        index += 1
    return index
