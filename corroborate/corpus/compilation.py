"""Read a quotation compilation ("The Real Stalin Series") into blocks.

The text is a title, then records. Blank lines separate paragraphs but do not end a record::

    [date line]                      "June 01, 2011"                        -> body (kept, it is printed text)
    title                            first other non-blank line             -> heading (chapter of what follows)
    HEADING                          an all-capitals paragraph on its own   -> heading (the compiler's claim)
    quotation line(s)                any lines, blank lines between allowed
    citation line                    see corroborate.corpus.citations       -> one "record" block

A record's ``text`` is its quotation lines joined with single spaces, verbatim, including the compiler's
bracketed lead-ins and comments; those are also listed in ``comments`` (see :func:`_comments`). Its ``heading`` is
the last compiler heading above it and ``chapter`` the last heading of any kind (the file title before the first).
Lines never followed by a citation (the compiler's own prose, website footers) become "body" blocks, one per
paragraph. An all-capitals line inside a paragraph ("I. THE FACTS" in a quoted letter) is quotation, not heading.
A citation whose page number runs into the next quotation (``p. 113-116last night of peace ...``, a paste error in
the Moscow Trials seed) is split there: it closes its record and the rest of the line opens the next.
"""
from __future__ import annotations

import re

from .citations import parse_citation, split_run_on
from .passages import Block, Citation, clean_display

_DATE_LINE = re.compile(r"^[A-Z][a-z]+ \d{1,2}, \d{4}$")
_DECADE_S = re.compile(r"(?<=\d)['’]s")
_BRACKET = re.compile(r"\[[^\[\]]+\]")
_SENTENCE_END = tuple(".?!\"”…)")
_CONTINUES = re.compile(r"\s*[a-z]")


def read_compilation(text: str) -> list[Block]:
    """The compilation's blocks in reading order: headings, records (quotation + citation) and body."""
    reader = _Reader()
    lines = [line.strip() for line in text.splitlines()]
    for i, line in enumerate(lines):
        if not line:
            reader.end_paragraph()
        elif reader.title is None:
            reader.start(line)
        elif _is_heading(lines, i):
            reader.heading_line(line)
        else:
            reader.text_line(line)
    reader.flush_body()
    return reader.blocks


class _Reader:
    """Collects quotation lines until a citation closes them into a record."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.title: str | None = None
        self.heading: str | None = None
        self.pending: list[list[str]] = [[]]   # paragraphs of lines not yet closed by a citation

    @property
    def chapter(self) -> str | None:
        return self.heading or self.title

    def start(self, line: str) -> None:
        if _DATE_LINE.match(line):
            self.blocks.append(Block(kind="body", text=clean_display(line)))
            return
        self.title = clean_display(line)
        self.blocks.append(Block(kind="heading", text=self.title, chapter=self.title))

    def end_paragraph(self) -> None:
        if self.pending[-1]:
            self.pending.append([])

    def heading_line(self, line: str) -> None:
        self.flush_body()
        self.heading = clean_display(line)
        self.blocks.append(Block(kind="heading", text=self.heading, chapter=self.heading))

    def text_line(self, line: str) -> None:
        run_on = split_run_on(line)
        if run_on:
            self.close_record(run_on[0])
            self.pending[-1].append(run_on[1])
            return
        citation = parse_citation(line)
        if citation:
            self.close_record(citation)
        else:
            self.pending[-1].append(line)

    def close_record(self, citation: Citation) -> None:
        lines = [clean_display(line) for paragraph in self.pending for line in paragraph]
        self.pending = [[]]
        self.blocks.append(Block(
            kind="record", text=" ".join(lines), chapter=self.chapter, heading=self.heading,
            comments=[c for line in lines for c in _comments(line)], citation=citation))

    def flush_body(self) -> None:
        for paragraph in self.pending:
            if paragraph:
                text = " ".join(clean_display(line) for line in paragraph)
                self.blocks.append(Block(kind="body", text=text, chapter=self.chapter))
        self.pending = [[]]


def _is_heading(lines: list[str], i: int) -> bool:
    """An all-capitals line standing alone between blank lines ("1930's" allowed), not a speaker tag."""
    line = lines[i]
    alone = (i == 0 or not lines[i - 1]) and (i + 1 == len(lines) or not lines[i + 1])
    letters = [c for c in _DECADE_S.sub("", line) if c.isalpha()]
    return alone and len(letters) > 1 and all(c.isupper() for c in letters) and not line.endswith(":")


def _comments(line: str) -> list[str]:
    """The compiler's bracketed remarks in a line, as printed.

    A bracket is the compiler's when it opens the line (``[During the Kirov funeral] Maria ...``, a whole
    ``[July 29th, 1936 ... letter]`` line, ``[Footnote]: ...``) or follows the end of a sentence and either ends
    the line (``... co-operation. [Conquests distorts]``) or starts a new sentence (``... [The president of
    France denied any involvement and] It is ...``). A bracket inside a sentence (``They [the emigre leaders]
    categorically denied``), or one word standing in for the text's own (``"[We] wanted to kill``), is an
    interpolation in the quotation, not a comment.
    """
    found = []
    for m in _BRACKET.finditer(line):
        after_sentence = line[:m.start()].rstrip().endswith(_SENTENCE_END)
        at_end = not line[m.end():].strip(" .,;:")
        one_word = " " not in m.group().strip("[] ") and _CONTINUES.match(line, m.end())
        if (m.start() == 0 or (after_sentence and (at_end or m.group()[1:2].isupper()))) and not one_word:
            found.append(m.group())
    return found
