"""How a source is laid out for reading: which pages a long book is cut into, on which page each passage is shown,
and how the front matter (a title page, an imprint) is set apart from the text.

Only presentation: passage ids (``<source>:p<n>``, the anchors ``#p<n>``) come from :func:`passages.number_blocks`
and are never changed here; every anchor is shown on exactly one page, and :meth:`Layout.page_of` says which.

A book longer than :data:`ONE_PAGE_CHARS` is read a chapter at a time. A page starts at a chapter that opens with a
heading and has text of its own, once the page before has :data:`MIN_PAGE_CHARS` of text (short chapters, such as a
compilation's headings with two quotations each, share a page). What has no text of its own goes on the page of the
text it belongs to: a part title with the chapter after it, a run of endnotes with the page before it. A note that a
paragraph cites is shown under that paragraph, so its anchor is on that paragraph's page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from .passages import Passage

ONE_PAGE_CHARS = 200_000      # a source with more text than this is read a chapter at a time
MIN_PAGE_CHARS = 12_000       # a short chapter (a foreword, a compiler's heading) shares its page with the next
FRONT_LINE_CHARS = 120        # in the front matter, shorter passages are lines of a title page or an imprint
TEXT_KINDS = ("body", "record")


@dataclass
class Section:
    """A run of passages under one chapter title (``None``: the front matter before the first chapter)."""
    index: int                # position among the source's sections, from 1: the anchor ``#c<index>``
    title: str | None
    passages: list[Passage]

    @property
    def label(self) -> str:
        return self.title or "Front matter"

    @property
    def is_front(self) -> bool:
        """It is the front matter (a title page, an imprint), before the first chapter title."""
        return self.title is None

    @property
    def starts_with_heading(self) -> bool:
        """It starts where its chapter starts: at its heading, or it is the front matter (which has no heading)."""
        return self.is_front or self.passages[0].kind == "heading"

    @property
    def opens_chapter(self) -> bool:
        """It begins with its heading and has text of its own (not only headings and notes)."""
        return self.starts_with_heading and any(p.kind in TEXT_KINDS for p in self.passages)


@dataclass
class Page:
    number: int               # from 1
    sections: list[Section] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.sections[0].label

    @property
    def contents(self) -> list[Section]:
        """The sections a reader looks for in the contents: those that open with a heading (once per title)."""
        seen, listed = set(), []
        for section in self.sections:
            if section.starts_with_heading and section.label not in seen:
                seen.add(section.label)
                listed.append(section)
        return listed

    @property
    def first(self) -> int:
        return self.sections[0].passages[0].n

    @property
    def last(self) -> int:
        return self.sections[-1].passages[-1].n


@dataclass
class Layout:
    pages: list[Page]
    notes: dict[str, Passage]            # every note by id, to show under the paragraphs that cite it
    linked: set[str]                     # ids of the notes some paragraph cites (shown there, not in their place)
    placement: dict[int, int]            # passage number → the page it is shown on

    @property
    def paginated(self) -> bool:
        return len(self.pages) > 1

    def page_of(self, n: int) -> int | None:
        return self.placement.get(n)

    def page(self, number: int) -> Page | None:
        return self.pages[number - 1] if 1 <= number <= len(self.pages) else None

    def runs(self) -> list[tuple[int, int]]:
        """``(first passage number, page)`` wherever the page changes in passage order: all a script needs to find
        the page of an old link ``#p1234`` (the page of the last run that starts at or before 1234)."""
        found: list[tuple[int, int]] = []
        for n in sorted(self.placement):
            if not found or found[-1][1] != self.placement[n]:
                found.append((n, self.placement[n]))
        return found


def sections_of(passages: list[Passage]) -> list[Section]:
    sections: list[Section] = []
    for passage in passages:
        if not sections or sections[-1].title != passage.chapter:
            sections.append(Section(len(sections) + 1, passage.chapter, []))
        sections[-1].passages.append(passage)
    return sections


def layout(passages: list[Passage], one_page_chars: int = ONE_PAGE_CHARS,
           min_page_chars: int = MIN_PAGE_CHARS) -> Layout:
    """The reading layout of one source's passages (in order)."""
    sections = sections_of(passages)
    notes = {p.id: p for p in passages if p.kind == "note"}
    cited_by = {}
    for passage in passages:
        for note_id in passage.notes:
            cited_by.setdefault(note_id, passage.n)
    if sum(len(p.text) for p in passages) <= one_page_chars:
        pages = [Page(1, sections)] if sections else []
    else:
        pages = _cut(sections, min_page_chars)
    placement = {p.n: page.number for page in pages for section in page.sections for p in section.passages}
    for note_id, citing in cited_by.items():
        if note_id in notes:
            placement[notes[note_id].n] = placement[citing]
    return Layout(pages, notes, set(cited_by) & set(notes), placement)


def _cut(sections: list[Section], min_page_chars: int) -> list[Page]:
    pages: list[Page] = []
    waiting: list[Section] = []           # headings only (a part title), to go with the chapter after them
    for position, section in enumerate(sections):
        if not pages or (section.opens_chapter and _chars(pages[-1]) >= min_page_chars):
            pages.append(Page(len(pages) + 1, [*waiting, section]))
            waiting = []
        elif _only_headings(section) and _next_opens(sections, position):
            waiting.append(section)
        else:
            pages[-1].sections.extend([*waiting, section])      # in reading order, always
            waiting = []
    if waiting:
        pages[-1].sections.extend(waiting)
    return pages


def _chars(page: Page) -> int:
    return sum(len(p.text) for section in page.sections for p in section.passages)


def _only_headings(section: Section) -> bool:
    return all(p.kind == "heading" for p in section.passages)


def _next_opens(sections: list[Section], position: int) -> bool:
    return position + 1 < len(sections) and sections[position + 1].opens_chapter


def front_matter_roles(passages: list[Passage]) -> dict[int, str]:
    """How each passage of the front matter is shown: the first line is the ``title``; other short lines are
    ``line``s of a title page or an imprint (not headings, whatever the reader guessed); a short line followed by a
    paragraph heads it (``heading``: "Executive Summary"); a paragraph is ``body``."""
    roles: dict[int, str] = {}
    for position, passage in enumerate(passages):
        following = passages[position + 1] if position + 1 < len(passages) else None
        short = len(passage.text) < FRONT_LINE_CHARS
        if position == 0 and short:
            roles[passage.n] = "title"
        elif short and passage.kind == "heading" and following is not None \
                and following.kind in TEXT_KINDS and len(following.text) >= FRONT_LINE_CHARS:
            roles[passage.n] = "heading"
        elif short:
            roles[passage.n] = "line"
        else:
            roles[passage.n] = "body"
    return roles


EMPHASIS = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]+?)(?<=[^\s*])\*(?![\w*])")


def emphasis(text: str) -> Markup:
    """A passage's text for display: escaped, with the seed's Markdown-style ``*italics*`` (titles, Russian
    words) shown in italics instead of asterisks. A lone asterisk (a footnote sign) stays as it is."""
    return Markup(EMPHASIS.sub(r"<em>\1</em>", str(escape(text))))
