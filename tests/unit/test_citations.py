"""Citation lines and records of the two quotation compilations (seeds 003 "Moscow Trials", 004 "Fifth Column")."""
from __future__ import annotations

import pytest

from corroborate.corpus.citations import parse_citation, split_run_on
from corroborate.corpus.compilation import read_compilation
from tests.seedfiles import seed_text


def fields(line: str) -> dict:
    citation = parse_citation(line)
    assert citation is not None, line
    data = citation.to_json()
    assert data.pop("raw") == line.strip()
    return data


def test_a_book_with_a_c_year():
    assert fields("Getty & Naumov, The Road to Terror. New Haven, Conn.: Yale Univ. Press, c1999, p. 110") == {
        "author": "Getty & Naumov", "title": "The Road to Terror", "place": "New Haven, Conn.",
        "publisher": "Yale Univ. Press", "year": "c1999", "pages": "110", "container": None,
        "editors": None, "translators": None, "complete": True}


def test_a_page_range_and_a_place_with_initials():
    c = fields("Davies, Joseph E. Mission to Moscow. New York, N. Y.: Simon and Schuster, c1941, p. 272-273")
    assert (c["author"], c["title"], c["place"], c["pages"]) == (
        "Davies, Joseph E.", "Mission to Moscow", "New York, N. Y.", "272-273")
    assert fields("Medvedev, Roy. Let History Judge. New York: Columbia University Press, 1989, p. 265-266")[
        "pages"] == "265-266"


def test_two_authors_joined_by_and():
    c = fields("Sayers and Kahn. The Great Conspiracy. Boston: Little, Brown and Company, 1946, p. 230-31")
    assert (c["author"], c["title"], c["place"], c["publisher"], c["year"], c["pages"]) == (
        "Sayers and Kahn", "The Great Conspiracy", "Boston", "Little, Brown and Company", "1946", "230-31")
    assert c["complete"]


def test_editors_and_translators_before_the_title():
    c = fields("Koenker and Bachman, Eds. Revelations from the Russian Archives. Washington: Library of Congress, "
               "1997, p. 69")
    assert (c["author"], c["editors"], c["title"]) == (
        "Koenker and Bachman", "Koenker and Bachman", "Revelations from the Russian Archives")
    c = fields("Lucas and Ukas. Trans. and Ed. Secret Documents. Toronto, Canada: Northstar Compass, 1996, p. 109")
    assert (c["editors"], c["translators"], c["title"], c["place"]) == (
        "Lucas and Ukas", "Lucas and Ukas", "Secret Documents", "Toronto, Canada")


def test_an_editor_after_the_title():
    c = fields("Dimitrov, Georgi, The Diary of Georgi Dimitrov, 1933-1949. Ed. Ivo Banac. New Haven : "
               "Yale University Press, c2003, p. 52")
    assert (c["author"], c["title"], c["editors"], c["year"]) == (
        "Dimitrov, Georgi", "The Diary of Georgi Dimitrov, 1933-1949", "Ivo Banac", "c2003")


def test_a_translator():
    c = fields("Chase, William J., Enemies Within the Gates?, translated by Vadim A. Staklo, New Haven: "
               "Yale University Press, c2001, p. 411.")
    assert (c["author"], c["title"], c["translators"], c["place"], c["year"], c["pages"]) == (
        "Chase, William J.", "Enemies Within the Gates?", "Vadim A. Staklo", "New Haven", "c2001", "411")


def test_an_article_in_a_periodical():
    c = fields("Strong, Anna Louise. “Searching Out the Soviets.” New Republic: August 7, 1935, p. 357")
    assert (c["author"], c["title"], c["container"], c["year"], c["pages"], c["publisher"]) == (
        "Strong, Anna Louise", "Searching Out the Soviets", "New Republic", "1935", "357", None)
    assert c["complete"]
    c = fields('Getty, J. Arch. "Excesses are not permitted, "Russian Review 61 (January 2002) p. 120-121.')
    assert (c["author"], c["title"], c["container"], c["year"]) == (
        "Getty, J. Arch", "Excesses are not permitted", "Russian Review 61", "2002")


def test_missing_place_and_missing_page():
    c = fields("Brar, Harpal. Trotskyism or Leninism. 1993, p. 209")
    assert (c["author"], c["title"], c["place"], c["publisher"], c["pages"], c["complete"]) == (
        "Brar, Harpal", "Trotskyism or Leninism", None, None, "209", True)
    c = fields("Sousa, Mario. The Class Struggle During the Thirties in the Soviet Union, 2001.")
    assert (c["title"], c["year"], c["pages"], c["complete"]) == (
        "The Class Struggle During the Thirties in the Soviet Union", "2001", None, True)


def test_place_and_publisher_without_a_colon():
    c = fields("Murphy, John Thomas. Stalin, London, John Lane, 1945, p. 165")
    assert (c["author"], c["title"], c["place"], c["publisher"]) == ("Murphy, John Thomas", "Stalin", "London",
                                                                      "John Lane")


def test_roman_pages_volume_and_chicago_style():
    assert fields("Littlepage, John D. In Search of Soviet Gold. New York: Harcourt, Brace, c1938, p. xii")[
        "pages"] == "xii"
    assert fields("Stalin, Joseph. Works. Moscow: Foreign Languages Pub. House, 1952, Vol. 13, p. 110")[
        "title"] == "Works, Vol. 13"
    c = fields("J. Arch Getty, Origins of the Great Purges: The Soviet Communist Party Reconsidered, 1933–1938 "
               "(New York: Cambridge University Press, 1985), p. 177.")
    assert (c["author"], c["place"], c["publisher"], c["year"]) == (
        "J. Arch Getty", "New York", "Cambridge University Press", "1985")


def test_a_line_without_a_year_is_not_complete():
    c = fields("Martens, Ludo. Another View of Stalin. Antwerp, Belgium: EPO, Lange Pastoorstraat 25-27 2600, "
               "p. 137 [p. 119 on the NET]")
    assert (c["pages"], c["year"], c["complete"]) == ("137", None, False)


@pytest.mark.parametrize("line", [
    "Yagoda, who was head of the political police, the OGPU, until 1936.",
    "Kirov's assassination by Nikolaev was the first murder of a leading member of the party in Soviet Russia "
    "since Uritsky had been killed in 1918.",
    "Leon Trotsky, Mexico, 1937",
    "Glenwood, Maryland, January 27, 1937.",
    "(Kamenev, Record of Interrogation, July 23-24, 1936)",
    "[From Kurt Tippelskirch. History of World War II. Foreign Literature Publishing House, Moscow, 1956]",
    "THE CONFESSIONS AT THE 1936 TRIAL WERE GENUINE AND VOLUNTARY",
    "June 01, 2011",
])
def test_quotation_lines_that_mention_a_year_are_not_citations(line):
    assert parse_citation(line) is None


def test_a_citation_run_into_the_next_quotation_is_split():
    citation, rest = split_run_on("Feuchtwanger, Lion. Moscow, 1937. New York: The Viking Press, 1937, "
                                  "p. 113-116last night of peace was quite different.")
    assert (citation.title, citation.pages, rest) == ("Moscow, 1937", "113-116",
                                                      "last night of peace was quite different.")


@pytest.mark.parametrize("prefix", ["003", "004"])
def test_nearly_all_citation_lines_parse_fully(prefix):
    citations = [c for c in map(parse_citation, seed_text(prefix).splitlines()) if c]
    assert len(citations) > 350
    assert sum(c.complete for c in citations) >= 0.98 * len(citations)


@pytest.fixture(scope="module")
def trials():
    return read_compilation(seed_text("003"))


@pytest.fixture(scope="module")
def fifth_column():
    return read_compilation(seed_text("004"))


def only(blocks, needle):
    found = [b for b in blocks if needle in b.text and b.kind == "record"]
    assert len(found) == 1, f"{needle!r} found in {len(found)} records"
    return found[0]


def test_a_record_has_its_heading_quotation_and_citation(trials):
    record = only(trials, "Two days after the completion of the Industrial Party trial, Professor Ramzin")
    assert record.heading == record.chapter == "RAMZIN GETS A LIGHT SENTENCE AND REDEEMS HIMSELF"
    assert record.text.endswith("Under a decree issued by the Kremlin, the turbo generator bares the inventors name.")
    assert (record.citation.author, record.citation.year, record.citation.pages) == ("Sayers and Kahn", "1946", "170")
    assert record.page is None and record.comments == []


def test_bracketed_comments_are_listed_and_kept_in_the_text(trials):
    record = only(trials, "Eleven death sentences were announced [in the Shakhty case]")
    assert record.comments == ["[Conquests distorts]"]
    assert record.text.endswith("co-operation. [Conquests distorts]")
    assert record.citation.title == "Stalin: Breaker of Nations"


def test_a_bracketed_lead_in_line_is_a_comment(trials):
    record = only(trials, "[July 29th, 1936 secret Central Committee letter")
    assert record.comments[0].startswith("[July 29th, 1936 secret Central Committee letter")
    assert "THE FACTS" in record.text   # a capitals line inside the quoted letter is not a heading


def test_titles_and_headings(trials, fifth_column):
    assert [b.text for b in trials[:3]] == [
        "June 01, 2011", "Moscow Trials", "OUTLINES OF THE SHAKHTY, INDUSTRIAL PARTY & METRO-VICKERS TRIALS"]
    assert [b.kind for b in trials[:3]] == ["body", "heading", "heading"]
    assert fifth_column[0].kind == "heading"
    assert fifth_column[0].text == "The Real Stalin Series Part 11: The Fifth Column"


def test_every_record_has_a_citation_and_text(trials, fifth_column):
    for blocks, count in ((trials, 606), (fifth_column, 379)):
        records = [b for b in blocks if b.kind == "record"]
        assert len(records) == count
        assert all(r.citation is not None and r.text for r in records)
        assert all(c in r.text for r in records for c in r.comments)


# How an excerpt's citation is printed (handouts, exports): as a reader would cite it, never with an internal id.

def _located_excerpts(corpus, tmp_path):
    from pathlib import Path

    from corroborate.curriculum.build import load_all
    folder = tmp_path / "curriculum"
    folder.mkdir()
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "curriculum" / "gates" / "kirov-leaks.md"
    (folder / "kirov-leaks.md").write_text(fixture.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "unit.yaml").write_text("title: T\nintroduction: I\nmodules: [kirov-leaks]\n", encoding="utf-8")
    module = load_all(folder, corpus)[1][0]
    return {e.id: e for e in module.excerpts}


def test_a_printed_document_is_cited_as_its_writers_printed_in_the_book(corpus, tmp_path):
    from corroborate.curriculum.cite import printed_citation
    excerpts = _located_excerpts(corpus, tmp_path)
    letter = excerpts["cc-letter"]
    cited = printed_citation(letter, corpus.source("getty-naumov-1999"))
    assert cited.startswith("The Central Committee of the party, printed in J. Arch Getty")
    assert "The Road to Terror" in cited and f", p. {letter.locator.page}" in cited
    assert "getty-naumov-1999" not in cited and "passage" not in cited.casefold() and "Corroborate" not in cited


def test_a_citation_without_author_or_known_source_never_falls_back_to_an_id(corpus, tmp_path):
    from corroborate.curriculum.cite import printed_citation
    from corroborate.quiz.export.common import citation
    excerpts = _located_excerpts(corpus, tmp_path)
    goldman = excerpts["goldman"]
    assert printed_citation(goldman, corpus.source("goldman-2008")).startswith("Wendy Z. Goldman, ") or \
        printed_citation(goldman, corpus.source("goldman-2008")).startswith(corpus.source("goldman-2008").byline)
    assert citation(goldman, None) == "Goldman on the law, the letter and the arrests"
    assert citation(excerpts["cc-letter"], None) == "The Central Committee of the party"
    assert "goldman-2008" not in citation(goldman, None)


def test_the_html_citation_has_the_plain_words_titles_in_cite_and_everything_else_escaped(corpus):
    from markupsafe import Markup

    from corroborate.curriculum.cite import printed_citation, printed_citation_html
    from corroborate.curriculum.model import Excerpt, Locator
    compilation = corpus.source("real-stalin-trials-2011")
    article = Excerpt("x", compilation.id, "Q", "H", locator=Locator(
        "p1", ("p1",), 0, 1, citation={"title": "Searching <Out> the Soviets", "container": "New Republic & Co",
                                       "year": "1935", "pages": "357"}))
    plain = printed_citation(article, compilation)
    assert plain.startswith("Unknown author, Searching <Out> the Soviets, in New Republic & Co (1935), p. 357 — "
                            f"quoted in {compilation.title}")
    html = printed_citation_html(article, compilation)
    assert isinstance(html, Markup)
    assert html.startswith("Unknown author, <cite>Searching &lt;Out&gt; the Soviets</cite>, in <cite>New Republic "
                           "&amp; Co</cite> (1935), p. 357 — quoted in <cite>")
    assert html.striptags() == " ".join(plain.split())
    book = corpus.source("getty-naumov-1999")
    letter = Excerpt("y", book.id, "Q", "H", author="Ivanov & <Petrov>", locator=Locator("p2", ("p2",), 0, 1, page=7))
    html = printed_citation_html(letter, book)
    assert html.startswith("Ivanov &amp; &lt;Petrov&gt;, printed in ") and f"<cite>{book.title}</cite>" in html
    assert html.striptags() == printed_citation(letter, book)
