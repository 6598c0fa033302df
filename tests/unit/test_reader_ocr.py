"""The hard-wrapped OCR reader on the real seed: Getty & Naumov, *The Road to Terror* (Yale, 1999)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from corroborate.corpus.ocr import read_ocr
from corroborate.corpus.passages import Block

SEED = Path(__file__).resolve().parents[2] / "seeds" / "002_a7c544aa2a528ca2.txt"


@pytest.fixture(scope="module")
def text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def blocks(text: str) -> list[Block]:
    return read_ocr(text)


def containing(blocks: list[Block], phrase: str) -> list[Block]:
    return [b for b in blocks if phrase in b.text]


def only(blocks: list[Block], phrase: str) -> Block:
    found = containing(blocks, phrase)
    assert len(found) == 1, f"{phrase!r} found in {len(found)} blocks"
    return found[0]


# ------------------------------------------------------------------------------------------------ hyphens

def test_line_break_hyphens_are_removed(blocks):
    # "was exe- / cuted by a firing squad", "the offi- / cial language", "profes- ... revolu- / tionaries"
    tivel = only(blocks, "ALEXANDER WLEVICH TIVEL, enemy of the people, was executed by a firing squad")
    assert tivel.kind == "body"
    assert only(blocks, "but the official language of these texts can never capture").kind == "body"
    assert containing(blocks, "a highly disciplined party of professional revolutionaries acting as")
    assert not containing(blocks, "exe- cuted") and not containing(blocks, "exe-cuted")


def test_real_compounds_keep_their_hyphen_at_a_line_end(blocks):
    # "the life-and- / death struggle", "the three- / year civil war", "corporate self- / interest"
    assert containing(blocks, "Moreover, the life-and-death struggle against domestic and foreign enemies")
    assert containing(blocks, "the new regime was plunged into the three-year civil war that pitted the Reds")
    assert containing(blocks, "the position and corporate self-interest of the party elite")
    assert containing(blocks, "because of their ideological and self-serving nature")


# ----------------------------------------------------------------------------------- headers and folios

def test_running_headers_are_dropped(blocks):
    for header in ("Party Discipline in 193 z", "Repression andLegality", "Acronyms and Abbreviations xxv",
                   "128 Closing Ranks", "The Stormof 1937", "Document 28 continued", "Document 14 continued"):
        assert not containing(blocks, header), header
    assert not [b for b in blocks if b.text in ("The Road to Terror", "Closing Ranks", "The Terror")]


def test_bare_page_numbers_are_dropped_without_cutting_the_text(blocks):
    # a document page ends "...each and every antiparty" / "149" / [Document 28 continued] / "group in the history"
    block = only(blocks, "the study of each and every antiparty group in the history of our party")
    assert "149" not in block.text
    assert not [b for b in blocks if b.text in ("149", "271", "474", "519", "522")]


def test_printed_pages_come_from_running_headers_and_counted_page_breaks(blocks):
    assert only(blocks, "Former rightist oppositionists N. I. Bukharin, A. I. Rykov").page == 95  # header "... 95"
    assert only(blocks, "During the period of dekulakization and collectivization, lawless").page == 109
    pages = [b.page for b in blocks if b.page is not None]
    assert pages == sorted(pages)
    # before the first folio pages are counted back from it; the book's index agrees from chapter 1 on
    epigraph = only(blocks, "Not the slightest cleft should be permitted.-V. V. Kuibyshev")
    assert epigraph.page == 33  # index: "Kuibyshev, V. V.: on unity, 33"
    assert only(blocks, "M. N. Riutin had been a district secretary").page == 52  # "Riutin, M.: career of, 52"
    assert all(b.page is None for b in blocks if b.chapter == "Preface")  # roman-numbered front matter


# ------------------------------------------------------------------------------------- paragraph flow

def test_paragraph_cut_by_a_page_break_and_its_footnote_is_one_block(blocks):
    # "...it was the duty of all party" / [footnote 1] / [page break] / " members publicly to defend..."
    block = only(blocks, "it was the duty of all party members publicly to defend and support those policies")
    assert block.kind == "body"
    assert block.text.startswith("Indeed, so concerned were the Bolsheviks with maintaining iron discipline")
    assert block.text.endswith('as a "ban on fractions" at the Tenth Party Congress in early 1921.')
    assert block.page == 34  # the index puts "Lenin: democratic centralism" on page 34
    note = blocks[blocks.index(block) + 1]
    assert note.kind == "note" and note.marker == "1"


def test_sentence_across_a_page_break_stays_in_one_block(blocks):
    # "...that one must be con-" / [footnote 33] / [page break, header "EndingtheTerror. 1 9 3 8 527"] / "stantly on guard"
    block = only(blocks, "that all oppositionists are traitors, that one must be constantly on guard against all kinds "
                         "of sabotage, and that foreign enemies were everywhere.")
    assert block.kind == "body" and block.page == 525
    # a folio line between the halves: "...nothing Trotskyist in" / "271" / " Kozlov's behavior"
    assert only(blocks, "that he finds nothing Trotskyist in Kozlov's behavior").kind == "body"


def test_quote_with_ocr_misreading_is_kept_as_printed(blocks):
    block = only(blocks, "On z March 1938 the third and last of the Moscow show trials")
    assert block.kind == "body"
    assert block.text.startswith("On z March 1938 the third and last of the Moscow show trials opened.")
    assert block.chapter == "Chapter 12: Ending the Terror, 1938"


# ------------------------------------------------------------------------------------------- structure

def test_all_thirteen_chapters_in_order(blocks):
    chapters = [b.text for b in blocks if b.kind == "heading" and b.text.startswith("Chapter ")]
    assert [int(re.match(r"Chapter (\d+):", c)[1]) for c in chapters] == list(range(1, 14))
    assert chapters[0] == "Chapter 1: The New Situation, 1930-32"
    assert chapters[8] == "Chapter 9: The Sky Darkens"                    # its CHAPTER label is lost
    assert chapters[9] == "Chapter 10: Party Discipline and the Fall of Bukharin"  # title over two lines
    assert chapters[10] == "Chapter 11: The Storm of 1937: The Party Commits Suicide"
    assert chapters[11] == "Chapter 12: Ending the Terror, 1938"           # label and title lost: running header


def test_chapter_level_headings_and_parts(blocks):
    top = [b.text for b in blocks if b.kind == "heading" and b.chapter == b.text]
    assert top[:4] == ["Preface", "Notes on Transliteration and Terminology", "A Note on the Documents",
                       "Soviet Organizational Acronyms and Abbreviations"]
    assert top[4] == "Introduction: Party Documents and Bolshevik Mentality"
    assert top[5:7] == ["Part I: Closing Ranks", "Chapter 1: The New Situation, 1930-32"]
    assert "Part II: The Terror" in top and top.index("Part II: The Terror") + 1 == top.index(
        "Chapter 7: The Face of the Enemy, 1936")
    assert top[-3:] == ["Conclusion", "Appendix 1: Numbers of Victims of the Terror", "Biographical Sketches"]


def test_blocks_carry_their_chapter(blocks):
    assert only(blocks, "IN JANUARY 1937 Moscow decided to press the point").chapter == "Chapter 9: The Sky Darkens"
    assert only(blocks, "THE WILD AND VICIOUS terror of 1937").chapter == "Chapter 12: Ending the Terror, 1938"
    sky = only(blocks, "How can one do such things?!-A. A. Andreev, 1937")  # the chapter's epigraph
    assert sky.kind == "body" and sky.chapter == "Chapter 9: The Sky Darkens"


def test_documents_and_section_headings(blocks):
    doc = [b for b in blocks if b.kind == "heading" and b.text.startswith("Document 1:")][0]
    assert doc.text == ("Document 1: N. I. Bukharin's speech to a joint plenum of the CC and CCC of the VKPW, "
                        "19 December 1930")  # "193014": the year and note 14
    assert doc.notes == ["14"]
    documents = [b for b in blocks if b.kind == "heading" and re.match(r"Document \d+", b.text)]
    assert len(documents) >= 190
    sections = {b.text for b in blocks if b.kind == "heading"}
    assert {"Local Cadres and Family Circles", "1936: The Human Element", '"Strengthening" the NKVD, Again'} <= sections


# ------------------------------------------------------------------------------------------- footnotes

def test_footnotes_are_note_blocks(blocks):
    note = only(blocks, "On the civil war see Diane P. Koenker")
    assert note.kind == "note" and note.marker == "1"
    assert note.text.startswith("On the civil war see Diane P. Koenker, William G. Rosenberg")
    assert note.chapter == "Chapter 1: The New Situation, 1930-32"
    assert not [b for b in blocks if b.kind == "body" and "Koenker" in b.text]
    two = only(blocks, "See Orlando Figes, Peasant Rursin, Civil War")
    assert two.kind == "note" and two.marker == "2"


def test_glued_note_markers_are_removed_from_body_text(blocks):
    dictators = only(blocks, "it was the civil war that turned revolutionaries into dictators.")
    assert dictators.text.endswith("revolutionaries into dictators.")  # OCR: "dictators.'" (note 1)
    assert dictators.notes == ["1"]
    regime = only(blocks, "convinced Lenin of the need to placate peasant farmers to save the regime.")
    assert regime.text.endswith("to save the regime.") and regime.notes == ["2"]


# ---------------------------------------------------------------------------------------- display text

def test_display_text_is_clean(blocks):
    assert blocks and all(b.text for b in blocks)
    assert not [b for b in blocks if "~" in b.text or "\n" in b.text or "  " in b.text]
    assert {b.kind for b in blocks} == {"body", "heading", "note"}
