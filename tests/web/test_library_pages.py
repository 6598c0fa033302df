"""The source library pages through the test client."""
from __future__ import annotations

import re


def test_sources_lists_every_source_with_metadata(client, corpus):
    page = client.get("/sources").get_data(as_text=True)
    for source in corpus.sources:
        assert f'href="/sources/{source.id}"' in page
    assert "Yale University Press, New Haven" in page
    assert "translated by Frederick S. Choate" in page


def test_reader_has_an_anchor_on_every_passage(client, corpus):
    response = client.get("/sources/goldman-2008")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    for passage in corpus.passages("goldman-2008"):
        assert f'id="{passage.anchor}"' in page
    # notes are shown with the paragraph that cites them
    note = next(p for p in corpus.passages("goldman-2008") if p.kind == "note" and "argue persuasively" in p.text)
    cited_by = next(p for p in corpus.passages("goldman-2008") if note.id in p.notes)
    block = page[page.index(f'id="{cited_by.anchor}"'):]
    assert block.index("argue persuasively") < block.index('class="passage', 10)


def test_reader_shows_page_markers_and_chapters_for_the_ocr_book(client):
    page = client.get("/sources/getty-naumov-1999").get_data(as_text=True)
    assert 'aria-label="page 526"' in page
    assert "Chapter 12: Ending the Terror, 1938" in page
    assert "Emended text — show the original OCR" in page and "On z March 1938" in page


def test_compilation_records_show_their_original_citation(client):
    page = client.get("/sources/real-stalin-trials-2011").get_data(as_text=True)
    assert "Davies, Joseph E., <cite>Mission to Moscow</cite> (c1941), p. 82" in page


def test_reader_is_cached_with_an_etag(client):
    first = client.get("/sources/goldman-2008")
    again = client.get("/sources/goldman-2008", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_unknown_source_and_passage_are_404(client):
    assert client.get("/sources/nope").status_code == 404
    assert client.get("/passages/nope:p1").status_code == 404


def test_passage_permalink_redirects_into_its_source(client):
    response = client.get("/passages/goldman-2008:p5")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/sources/goldman-2008#p5")


def test_search_page_highlights_and_links_to_the_passage(client):
    page = client.get("/search?q=Davies+swallowed+bait").get_data(as_text=True)
    assert "<mark>swallowed</mark>" in page
    assert re.search(r'href="/sources/rogovin-2009#p\d+"', page)


def test_search_filters_by_source_and_survives_fts_syntax(client):
    page = client.get("/search?q=Kirov&source=goldman-2008").get_data(as_text=True)
    assert "/sources/goldman-2008#p" in page and "/sources/rogovin-2009#p" not in page
    assert client.get('/search?q=%22NEAR(%27&source=x').status_code == 200


def test_search_escapes_the_query(client):
    page = client.get("/search?q=<script>alert(1)</script>").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page


def test_security_headers(client):
    response = client.get("/sources")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    for answer in (response, client.get("/no-such-page"), client.put("/api/attempts/1/answers/q1", json={})):
        for name in ("Content-Security-Policy", "X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy"):
            assert len(answer.headers.getlist(name)) == 1, (answer.status, name)


def test_a_signed_in_readers_header_is_never_served_to_someone_else(app):
    from tests import factories as f
    from tests.conftest import login
    f.user(app, "rivera", "teacher")
    teacher = app.test_client()
    login(teacher, "rivera", f.PASSWORD)
    assert "Sign out rivera" in teacher.get("/sources/goldman-2008").get_data(as_text=True)
    anonymous = app.test_client().get("/sources/goldman-2008")
    page = anonymous.get_data(as_text=True)
    assert "Sign out rivera" not in page and 'name="csrf-token"' not in page and "Sign in" in page
    assert anonymous.headers["ETag"] != teacher.get("/sources/goldman-2008").headers["ETag"]
