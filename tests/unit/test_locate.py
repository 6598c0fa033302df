"""The quote locator on the real corpus."""
from __future__ import annotations

from corroborate.corpus.locate import Hit, Miss


def test_finds_a_quote_whatever_its_typography(corpus):
    # Rogovin prints an em dash; the teacher types curly quotes, a double hyphen and line breaks.
    quote = ('he wrote his daughter: “The trial has shown all the elementary weaknesses and flaws of human\n'
             'nature -- personal ambition of the worst kind."')
    hit = corpus.locate(quote, "rogovin-2009")
    assert isinstance(hit, Hit)
    passage = corpus.passage(hit.passage)
    assert passage.text[hit.start:hit.end].startswith('he wrote his daughter: "The trial')
    assert passage.text[hit.start:hit.end].endswith("of the worst kind")


def test_finds_a_quote_across_ocr_line_breaks_and_hyphenation(corpus):
    # In the OCR file this runs over four hard-wrapped lines with "exe- cuted" split at a line end.
    hit = corpus.locate("ALEXANDER WLEVICH TIVEL, enemy of the people, was executed by a firing squad", "getty-naumov-1999")
    assert isinstance(hit, Hit)


def test_an_emendation_matches_the_marked_correction(corpus):
    hit = corpus.locate("On [2] March 1938 the third and last of the Moscow show trials", "getty-naumov-1999")
    assert isinstance(hit, Hit)
    passage = corpus.passage(hit.passage)
    assert passage.raw and "On z March 1938" in passage.raw   # the raw OCR text stays available


def test_an_elision_skips_text(corpus):
    hit = corpus.locate("Joseph Davies, the US ambassador to the USSR, also swallowed the bait […] of the trial.",
                        "rogovin-2009")
    assert isinstance(hit, Hit)


def test_one_changed_word_is_a_miss_with_the_nearest_passage(corpus):
    miss = corpus.locate("Joseph Davies, the US ambassador to the USSR, also swallowed the hook supplied by the "
                         "organizers of the trial.", "rogovin-2009")
    assert isinstance(miss, Miss)
    hit = corpus.locate("Joseph Davies, the US ambassador to the USSR, also swallowed the bait", "rogovin-2009")
    assert miss.nearest == hit.passage
    assert miss.quote_words.startswith("hook") and miss.passage_words.startswith("bait")


def test_a_quote_from_another_source_is_not_found_in_the_wrong_one(corpus):
    quote = "The Leningrad NKVD arrested an additional 843 former Zinovievites in January and February."
    assert isinstance(corpus.locate(quote, "rogovin-2009"), Miss)
    assert corpus.locate(quote).source == "goldman-2008"


def test_a_quote_across_a_page_break_in_the_ocr_text(corpus):
    # Seed 002, lines 1733-1736: "...it was the duty of all party" / footnote 1 / running header / " members
    # publicly to defend and support those policies" on the next printed page.
    hit = corpus.locate("once a decision was taken it was the duty of all party members publicly to defend and "
                        "support those policies whether or not they personally agreed with them", "getty-naumov-1999")
    assert isinstance(hit, Hit)
    assert len(hit.passages) == 1
