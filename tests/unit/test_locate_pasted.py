"""Quotations pasted from the raw text (footnote markers fused to words) or typed from the printed book (where the
OCR misread a character) are found on the real seeds; a changed word is still a miss; a module must still quote the
text as emended."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from corroborate.corpus.locate import Hit, Miss, SourceText, find_in, quote_pattern
from corroborate.curriculum.build import check

GETTY = "getty-naumov-1999"
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "curriculum"
THIRD_TRIAL = "    quote: On [2] March 1938 the third and last of the Moscow show trials\n"

# seeds/002_…txt lines 11916, 20246 and 26620: the raw OCR text with its note numbers fused to the sentence end
FOOTNOTE_CASES = {
    "initiative.14": ("had in fact been formed at Trotsky's initiative.14 But there is no evidence", "14",
                      f"{GETTY}:p1539", "initiative. But there is no evidence"),
    "contrary.39": ("any plot against Stalin, despite rumors to the contrary.39 Yet the leaders", "39",
                    f"{GETTY}:p2653", "contrary. Yet the leaders"),
    "million.4": ("to Olga Shatunovskaia's nearly zo million.4 The new archival materials", "4",
                  f"{GETTY}:p3511", "zo million. The new archival materials"),
}

CHANGED_WORD = {  # one changed word in each pasted quotation: a miss, with the same nearest passage
    "initiative.14": ("had in fact been formed at Stalin's initiative.14 But there is no evidence", "Stalin's",
                      "Trotsky's"),
    "contrary.39": ("any plot against Stalin, despite rumors to the contrary.39 Yet the rulers", "rulers",
                    "leaders"),
    "million.4": ("to Olga Shatunovskaia's nearly zo million.4 The old archival materials", "old", "new"),
}


@pytest.mark.parametrize("case", sorted(FOOTNOTE_CASES))
def test_a_footnote_marker_fused_to_a_sentence_end_is_ignored(corpus, case):
    quote, marker, passage_id, ends = FOOTNOTE_CASES[case]
    hit = corpus.locate(quote, GETTY)
    assert isinstance(hit, Hit), hit
    assert hit.passage == passage_id and hit.markers == (marker,) and hit.ocr == ()
    text = corpus.passage(hit.passage).text[hit.start:hit.end]
    assert text.endswith(ends) and marker not in text
    assert corpus.locate(quote).passage == passage_id          # without --source too


@pytest.mark.parametrize("case", sorted(CHANGED_WORD))
def test_a_changed_word_in_a_pasted_quotation_is_still_a_miss(corpus, case):
    quote, typed, printed = CHANGED_WORD[case]
    miss = corpus.locate(quote, GETTY)
    assert isinstance(miss, Miss)
    assert miss.nearest == FOOTNOTE_CASES[case][2]
    assert miss.quote_words.startswith(typed) and miss.passage_words.startswith(printed)
    assert isinstance(corpus.locate(quote), Miss)


def test_only_digits_fused_to_a_word_or_sentence_end_are_optional():
    pattern = quote_pattern("initiative.14 But in 1932, 1,575,259 people, nearly 20 million")
    assert pattern.markers == ("14",)
    assert pattern.search("initiativebutin19321575259peoplenearly20million")
    assert pattern.search("initiative14butin19321575259peoplenearly20million")
    assert not pattern.search("initiativebutin1932157525peoplenearly20million")   # a real number is required
    assert not pattern.search("initiative15butin19321575259peoplenearly20million")  # a marker may be absent, not other


@pytest.mark.parametrize("quote", [
    "in the fall of 1933 a single bloc of oppositionists",           # a year changed
    "cases shows that 1,575,258 people were arrested",               # digits after a comma are not a marker
    "Olga Shatunovskaia's nearly zo 4 million",                       # a number that stands alone is a word
])
def test_a_changed_or_added_number_is_a_miss(corpus, quote):
    assert isinstance(corpus.locate(quote, GETTY), Miss)


def test_a_reading_of_the_printed_book_is_found_with_the_ocr_form_and_a_proposed_erratum(corpus):
    hit = corpus.locate("Robert Conquest's 5-8 million to Olga Shatunovskaia's nearly 20 million", GETTY)
    assert isinstance(hit, Hit) and hit.passage == f"{GETTY}:p3511"
    (reading,) = hit.ocr
    assert (reading.source_form, reading.typed_form, reading.passage) == ("zo", "20", f"{GETTY}:p3511")
    text = corpus.passage(hit.passage).text
    assert text[reading.start:reading.end] == "zo" and text[hit.start:hit.end].endswith("nearly zo million")
    (erratum,) = hit.errata
    assert (erratum.source, erratum.find, erratum.replace) == (GETTY, "nearly zo million", "nearly [20] million")
    assert hit.proposed_erratum == ('  - source: getty-naumov-1999\n    find: "nearly zo million"\n'
                                    '    replace: "nearly [20] million"\n    note: OCR read 20 as zo.')
    data = hit.to_json()
    assert data["found"] is True and data["passage"] == f"{GETTY}:p3511" and data["source"] == GETTY
    assert data["ocr_readings"] == [{"source_form": "zo", "typed_form": "20", "passage": f"{GETTY}:p3511",
                                     "start": reading.start, "end": reading.end}]
    assert data["proposed_erratum"] == hit.proposed_erratum


def test_a_pasted_marker_and_a_typed_reading_together(corpus):
    hit = corpus.locate("nearly 20 million.4 The new archival materials", GETTY)
    assert isinstance(hit, Hit) and hit.markers == ("4",) and [r.source_form for r in hit.ocr] == ["zo"]


def test_the_marked_emendation_needs_no_ocr_reading(corpus):
    hit = corpus.locate("Olga Shatunovskaia's nearly [20] million", GETTY)
    assert isinstance(hit, Hit) and hit.ocr == () and hit.errata == () and hit.proposed_erratum is None


@pytest.mark.parametrize("quote, typed, printed", [
    ("Olga Shatunovskaia's nearly 30 million", "30", "zo"),                       # a changed number
    ("suggest that Volkogonov was dosest to the mark", "dosest", "closest"),      # "cl" is read as "d" only ...
    ("But there 15 no evidence that this bloc", "15", "is"),                      # ... where it is not a word
])
def test_a_changed_word_is_not_taken_for_an_ocr_misreading(corpus, quote, typed, printed):
    miss = corpus.locate(quote, GETTY)
    assert isinstance(miss, Miss), miss
    assert miss.quote_words.startswith(typed) and miss.passage_words.startswith(printed)


def test_an_exact_hit_in_any_source_wins_over_a_misreading():
    ocr = SourceText("ocr", ["ocr:p1"], ["Some 20 went, then 20 more, of nearly zo million."])
    clean = SourceText("clean", ["clean:p1"], ["Of nearly 20 million."])
    pattern = quote_pattern("of nearly 20 million")
    assert [r.source_form for r in find_in([ocr], pattern).ocr] == ["zo"]
    hit = find_in([ocr, clean], pattern)
    assert hit.source == "clean" and hit.ocr == ()


def _module(tmp_path: Path, quote: str) -> Path:
    """The fixture module with its Getty & Naumov excerpt quoting ``quote``."""
    sample = (FIXTURE / "sample.md").read_text(encoding="utf-8")
    assert THIRD_TRIAL in sample, "the fixture module no longer quotes the third trial"
    folder = tmp_path / "curriculum"
    folder.mkdir(parents=True)
    shutil.copy(FIXTURE / "unit.yaml", folder / "unit.yaml")
    (folder / "sample.md").write_text(sample.replace(THIRD_TRIAL, f"    quote: {quote}\n"), encoding="utf-8")
    return folder


def _errors(corpus, folder: Path) -> list[str]:
    return [str(p) for p in check(folder, corpus) if p.severity == "error"]


def test_a_module_that_corrects_the_ocr_silently_is_an_error_with_the_emendation(corpus, tmp_path):
    (message,) = _errors(corpus, _module(tmp_path, "Olga Shatunovskaia's nearly 20 million"))
    assert message.startswith("curriculum/sample.md:32: excerpt 'third-trial': the source reads 'zo'")
    assert "write 'nearly [20] million' to mark the correction" in message
    assert 'find: "nearly zo million", replace: "nearly [20] million"' in message


def test_a_module_that_marks_the_correction_passes(corpus, tmp_path):
    assert _errors(corpus, _module(tmp_path, "Olga Shatunovskaia's nearly [20] million")) == []


def test_a_module_that_drops_an_errata_bracket_is_an_error(corpus, tmp_path):
    (message,) = _errors(corpus, _module(tmp_path, "On 2 March 1938 the third and last of the Moscow show trials"))
    assert message.startswith("curriculum/sample.md:32: excerpt 'third-trial': the source's text is emended here")
    assert "'[2]'" in message
    assert _errors(corpus, _module(tmp_path / "elided", "On […] March 1938 the third and last")) == []


def test_a_module_that_keeps_a_footnote_marker_is_an_error(corpus, tmp_path):
    (message,) = _errors(corpus, _module(tmp_path, "despite rumors to the contrary.39 Yet the leaders"))
    assert message.startswith("curriculum/sample.md:32: excerpt 'third-trial': footnote marker '39' not in the text")


def test_a_module_with_a_changed_word_still_reports_the_nearest_passage(corpus, tmp_path):
    (message,) = _errors(corpus, _module(tmp_path, "Olga Shatunovskaia's nearly 30 million"))
    assert message.startswith(f"curriculum/sample.md:32: excerpt 'third-trial': not found in {GETTY}; "
                              f'nearest {GETTY}:p3511 differs at "30 million"')
