"""Search ranks the passages a historian would cite, over the relevance set (bench/relevance/queries.yaml) on the real
seeds, and keeps its promises: teachers' synonyms, names however the sources spell them, numbers and years as
written, at most two records of one quoted work on the first page, any input as plain words."""
from __future__ import annotations

from collections import Counter

import pytest

from bench.search_relevance import evaluate, load_queries
from corroborate.corpus.search import _alias, parse, snippet

# Floors a little under what the ranking reaches (bench/search_relevance.py prints the figures): a change that makes
# search worse for teachers fails here. Before issue #26 the held-back half stood at recall@5 0.381, hit@5 0.667,
# MRR 0.380.
FLOORS = {
    "held": {"recall@5": 0.43, "hit@5": 0.75, "mrr": 0.60},
    "all": {"recall@5": 0.51, "hit@5": 0.80, "mrr": 0.64},
}


def ids(corpus, query, n=5, **kwargs):
    return [hit.passage for hit in corpus.search(query, limit=n, **kwargs)]


def test_the_relevance_set_is_sound(corpus):
    queries = load_queries()
    assert len(queries) >= 60
    assert [q["split"] for q in queries] == ["tune", "held"] * (len(queries) // 2)
    for entry in queries:
        assert entry["relevant"], entry["query"]
        for passage in entry["relevant"]:
            found = corpus.passage(passage)
            assert found is not None, f"{passage} ({entry['query']!r}) is not in the corpus: the seeds changed?"
            assert found.kind in ("body", "record", "note"), passage


@pytest.fixture(scope="module")
def figures(corpus):
    return evaluate(corpus)


@pytest.mark.parametrize("split", FLOORS)
def test_the_relevance_set_stays_above_its_floors(figures, split):
    for measure, floor in FLOORS[split].items():
        assert figures[split][measure] >= floor, (split, measure, figures[split][measure])


def test_the_issues_queries_find_the_passage_itself(corpus):
    # Getty & Naumov's archival total of those shot in 1937-38
    assert "getty-naumov-1999:p3517" in ids(corpus, "how many people were shot in 1937 and 1938")
    # Davies's own words, not the compiler's heading above them
    assert ids(corpus, "Davies conclusion the state had established its case")[0] == "real-stalin-trials-2011:p432"
    # Krestinsky's words in court
    assert "rogovin-2009:p330" in ids(corpus, "Krestinsky pleads not guilty at the trial")
    # the letter itself (Getty & Naumov's Document 198, passages p3356-p3387), not a heading or another letter
    letter = {f"getty-naumov-1999:p{n}" for n in range(3356, 3388)}
    assert letter & set(ids(corpus, "Bukharin last letter to Stalin not guilty", 3))


def test_teachers_synonyms_find_the_sources_words(corpus):
    concepts = parse("who was executed after the trial", corpus.lexicon)
    assert {"shot", "execute"} <= set(concepts[0].alternatives)
    assert "tried" in concepts[1].alternatives
    # "not guilty" is innocence too; "death penalty" is being shot
    assert "innocent" in parse("not guilty", corpus.lexicon)[0].alternatives
    assert "shot" in parse("death penalty", corpus.lexicon)[0].alternatives
    # Goldman writes "Tomskii" and "Iagoda": a search for Tomsky finds her account of his suicide, and every spelling
    # of a name weighs the same (the rare one does not outrank the usual one)
    assert "goldman-2008:p69" in ids(corpus, "Tomsky suicide", 20)
    assert ids(corpus, "Iagoda", 10) == ids(corpus, "Yagoda", 10)
    assert "goldman-2008:p54" in ids(corpus, "Yagoda Trotskyist underground report", 5)
    # Getty writes "Piatakov": "wrecking and sabotage charges against Pyatakov" finds his account of the trial
    assert "getty-naumov-1999:p2144" in ids(corpus, "wrecking and sabotage charges against Pyatakov", 10)


def test_numbers_and_years_are_matched_as_written(corpus):
    top = ids(corpus, "681,692", 3)
    assert set(top) == {"getty-naumov-1999:p3517", "rogovin-2009:p2350", "getty-naumov-1999:p2780"}
    assert all("681,692" in corpus.passage(p).text for p in top)
    # a range gives each of its years to the index; "1937-1938" in a query means both years
    assert _alias("shot in 1937-38 (compared with") .split()[:2] == ["1937", "1938"]
    assert {c.alternatives for c in parse("arrests 1937-1938", corpus.lexicon)} >= {("1937",), ("1938",)}
    assert "getty-naumov-1999:p3517" in ids(corpus, "people shot 1938")


def test_at_most_two_records_of_one_work_on_the_first_page(corpus):
    for query in ("Davies trial", "Davies diary", "no evidence Stalin killed Kirov", "Duranty confessions"):
        hits = corpus.search(query, limit=20)
        records = [corpus.passage(h.passage) for h in hits if h.kind == "record"]
        works = Counter((p.citation.author, p.citation.title) for p in records if p.citation)
        headings = Counter(p.heading for p in records)
        others = corpus.search(query, limit=100)[20:]
        if any(h.kind != "record" for h in others):     # the cap holds while other passages match
            assert max(works.values(), default=0) <= 2, (query, works.most_common(2))
            assert max(headings.values(), default=0) <= 3, (query, headings.most_common(2))


def test_pages_continue_one_another(corpus):
    for query in ("Kirov murder", "Davies trial", "why did the defendants confess"):
        whole = ids(corpus, query, 60)
        pages = ids(corpus, query, 20) + ids(corpus, query, 20, offset=20) + ids(corpus, query, 20, offset=40)
        assert whole == pages and len(set(whole)) == len(whole)
        scores = [h.score for h in corpus.search(query, limit=20)]
        assert scores == sorted(scores, reverse=True)


def test_source_filter_and_quotations(corpus):
    assert all(p.startswith("goldman-2008:") for p in ids(corpus, "Kirov murder workers", 10, source="goldman-2008"))
    # a long query is a quotation (Corpus.nearest): plain BM25 still finds its passage first
    quote = ("The Party made a great effort to mobilize workers and local party organizations around the trial. "
             "There were meetings in factories and huge open air demonstrations.")
    assert ids(corpus, quote, 1) == ["goldman-2008:p74"]


@pytest.mark.parametrize("query", ['text: Kirov', '{text}: Kirov', 'Kirov*', 'NEAR(Kirov Stalin, 2)', 'Kirov AND',
                                   'OR OR', '"unbalanced', "Stalin's", "1937-", "-1938", "^Kirov", "(", "681,",
                                   "x" * 300, "Kirov " * 50, "ǅ İ ß ﬁ"])
def test_any_input_is_plain_words(corpus, query):
    corpus.search(query)   # never raises
    corpus.search(query, offset=40)


def test_snippets_are_escaped_and_mark_whole_words():
    text = "<b>Tomsky</b> & Tomskyite: Tomsky's suicide, " + "x " * 200
    html = snippet(text, {"tomsky": 1, "suicide": 2})
    assert html.startswith("&lt;b&gt;<mark>Tomsky</mark>&lt;/b&gt; &amp; Tomskyite: <mark>Tomsky</mark>&#x27;s "
                           "<mark>suicide</mark>")
    assert html.endswith("…") and "<b>" not in html
