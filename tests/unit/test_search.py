"""Search ranks the passages a historian would point to, and treats any input as plain words."""
from __future__ import annotations

import pytest

from corroborate.corpus.search import fts_query


def top(corpus, query, n=5, **kwargs):
    return corpus.search(query, limit=n, **kwargs)


def test_why_did_bukharin_confess(corpus):
    hits = top(corpus, "why did Bukharin confess", 10)
    assert all("bukharin" in h.text.lower() for h in hits[:5])
    assert any("confess" in h.text.lower() for h in hits[:3])


def test_davies_trial_conspiracy_finds_the_ambassador(corpus):
    hits = top(corpus, "Davies trial conspiracy", 5)
    assert all("Davies" in h.text for h in hits)
    assert "conspiracy" in hits[0].text and "trial" in hits[0].text
    assert sum("conspira" in h.text.lower() for h in hits[:3]) >= 2


def test_kirov_murder_closed_letter(corpus):
    hits = top(corpus, "Kirov murder closed letter", 10)
    assert {h.source for h in hits} >= {"goldman-2008", "getty-naumov-1999"}


def test_krestinsky_retraction_in_rogovin(corpus):
    hits = top(corpus, "Krestinsky retracted his confession", 5, source="rogovin-2009")
    assert hits and all(h.source == "rogovin-2009" for h in hits)
    assert any(h.chapter == "5. The Episode with Krestinsky" for h in hits)


def test_snippets_highlight_matches_and_escape_html(corpus):
    (hit,) = top(corpus, "swallowed bait Davies", 1)
    assert "<mark>swallowed</mark>" in hit.snippet
    assert "<" not in hit.snippet.replace("<mark>", "").replace("</mark>", "")


@pytest.mark.parametrize("query", ['"', "NEAR(", "a OR", "*", "') DROP TABLE passages; --", "kirov -", "^x", "{x}"])
def test_fts_syntax_is_plain_text(corpus, query):
    corpus.search(query)   # never raises


def test_stopwords_only_queries_still_search():
    assert fts_query("why did") == '"why" OR "did"'
    assert fts_query("!!!") is None
