"""The reader's layout (corroborate/corpus/reading.py) on made-up passages and on the real books: pages cut at
chapters, every passage shown on exactly one page, notes on the page of the paragraph that cites them, front matter
set as a title page, *italics* from the seeds."""
from __future__ import annotations

from corroborate.corpus.passages import Passage
from corroborate.corpus.reading import emphasis, front_matter_roles, layout


def passage(n: int, kind: str, text: str, chapter: str | None, notes: tuple[str, ...] = ()) -> Passage:
    return Passage(f"book:p{n}", "book", n, kind, text, chapter=chapter, notes=notes)


def book() -> list[Passage]:
    words = "word " * 40
    return [
        passage(1, "body", "A Title", None), passage(2, "body", "An Author", None),
        passage(3, "heading", "Part I", "Part I"),
        passage(4, "heading", "1. First", "1. First"), passage(5, "body", words, "1. First", ("book:p11",)),
        passage(6, "body", words, "1. First"),
        passage(7, "heading", "2. Second", "2. Second"), passage(8, "body", words, "2. Second"),
        passage(9, "body", words, "2. Second", ("book:p12",)),
        passage(10, "heading", "Endnotes", "Endnotes"),
        passage(11, "note", "The first note.", "1. First"), passage(12, "note", "The second note.", "2. Second"),
        passage(13, "note", "A note nobody cites.", "2. Second"),
    ]


def test_a_long_book_is_cut_at_its_chapters_and_each_passage_is_on_one_page():
    read = layout(book(), one_page_chars=100, min_page_chars=10)
    assert [page.title for page in read.pages] == ["Front matter", "Part I", "2. Second"]
    assert [s.label for s in read.pages[1].sections] == ["Part I", "1. First"]      # the part title goes with it
    assert read.page_of(3) == 2 and read.page_of(4) == 2
    assert read.page_of(11) == 2 and read.page_of(12) == 3         # a cited note: the page of its paragraph
    assert read.page_of(10) == 3 and read.page_of(13) == 3         # endnotes go with the page before them
    assert read.linked == {"book:p11", "book:p12"}
    assert sorted(read.placement) == list(range(1, 14))
    assert read.runs() == [(1, 1), (3, 2), (7, 3), (11, 2), (12, 3)]


def test_short_chapters_share_a_page_and_a_short_book_is_one_page():
    assert len(layout(book(), one_page_chars=100, min_page_chars=10_000).pages) == 1
    assert not layout(book()).paginated


def test_front_matter_is_a_title_page_not_headings():
    front = [passage(1, "body", "THE TITLE:", None), passage(2, "heading", "A subtitle", None),
             passage(3, "heading", "Suite 310", None), passage(4, "heading", "Executive Summary", None),
             passage(5, "body", "A paragraph of the summary, long enough to be read as prose. " * 3, None)]
    assert front_matter_roles(front) == {1: "title", 2: "line", 3: "line", 4: "heading", 5: "body"}


def test_emphasis_shows_the_seeds_asterisks_as_italics_and_escapes_the_rest():
    assert emphasis("the *partkomy* met") == "the <em>partkomy</em> met"
    assert emphasis("Project Information*") == "Project Information*"
    assert emphasis("* The work leading to this report") == "* The work leading to this report"
    assert emphasis("<script>*x*") == "&lt;script&gt;<em>x</em>"


def test_the_real_books_show_every_passage_once(corpus):
    for source in corpus.sources:
        passages = corpus.passages(source.id)
        read = layout(passages)
        assert set(read.placement) == {p.n for p in passages}, source.id
        shown = [p.n for page in read.pages for section in page.sections for p in section.passages]
        assert shown == [p.n for p in passages], source.id                 # in reading order, none twice
    assert len(layout(corpus.passages("rogovin-2009")).pages) > 20
    assert len(layout(corpus.passages("goldman-2008")).pages) == 1
