"""The paragraph-per-line reader on the real Goldman and Rogovin texts."""
from __future__ import annotations

import pytest

from corroborate.corpus.paragraphs import read_paragraphs
from tests.seedfiles import seed_text


@pytest.fixture(scope="module")
def goldman():
    return read_paragraphs(seed_text("000"))


@pytest.fixture(scope="module")
def rogovin():
    return read_paragraphs(seed_text("001"))


def only(blocks, needle, kind=None):
    found = [b for b in blocks if needle in b.text and (kind is None or b.kind == kind)]
    assert len(found) == 1, f"{needle!r} found in {len(found)} blocks"
    return found[0]


def test_note_markers_are_separated_from_the_body(goldman):
    paragraph = only(goldman, "Party members could recognize and destroy them.")
    assert paragraph.kind == "body"
    assert paragraph.notes == ["4", "5"]
    assert "⁴" not in paragraph.text and "⁵" not in paragraph.text


def test_interleaved_notes_become_note_blocks(goldman):
    note = only(goldman, "argue persuasively that Party leaders repeatedly vacillated")
    assert note.kind == "note" and note.marker == "2"
    assert not any("argue persuasively" in b.text for b in goldman if b.kind == "body")


def test_a_paragraph_cut_by_a_note_block_is_rejoined(goldman):
    # In the seed, the line "...plots and targets. Ezhov elaborated [...] encouraged and abetted" is followed by notes 4-6
    # and the paragraph resumes with "by former Trotskyists".
    paragraph = only(goldman, "plots and targets. Ezhov")
    assert "encouraged and abetted by former Trotskyists, who had also opted for terror." in paragraph.text
    assert paragraph.notes == ["7"]


def test_headings_name_the_chapter(goldman):
    headings = [b.text for b in goldman if b.kind == "heading"]
    assert headings[-4:] == ["Vigilance and Drift", "The Case Widens", "Responses to the Trial",
                             "From the “Trotskyist-Zinovievite Center” to Kemerovo"]
    assert only(goldman, "In January 1936, there was a major shift in the Kirov case.").chapter == "The Case Widens"


def test_chapters_follow_the_table_of_contents(rogovin):
    chapters = list(dict.fromkeys(b.chapter for b in rogovin if b.chapter))
    assert chapters[:4] == ["Foreword", "Note from the Translator", "Introduction", "1. “Mass Operations”"]
    assert "5. The Episode with Krestinsky" in chapters
    assert "52. The Falsification of History" in chapters
    # a sub-section of chapter 20 is a heading, not a chapter of its own
    assert "1. Molotov" in [b.text for b in rogovin if b.kind == "heading"]
    assert "1. Molotov" not in chapters


def test_endnotes_are_notes_of_their_chapter(rogovin):
    note = only(rogovin, "Tvardovskii A. Poemy, M., 1988, p. 327-330.")
    assert note.kind == "note" and note.marker == "1" and note.chapter == "Introduction"
    krestinsky = [b for b in rogovin if b.kind == "note" and b.chapter == "5. The Episode with Krestinsky"]
    cited = [m for b in rogovin if b.kind == "body" and b.chapter == "5. The Episode with Krestinsky" for m in b.notes]
    assert len(krestinsky) == len(cited) > 5


def test_a_word_cut_at_a_page_break_is_made_whole(rogovin):
    paragraph = only(rogovin, "examines the political subjects and social objects of the Great Purge")
    assert "politi- cal" not in paragraph.text


def test_the_index_is_not_read_as_text(rogovin):
    assert not any(b.text.startswith("- Zinoviev") for b in rogovin)
