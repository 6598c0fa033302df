"""The source library pages through the test client."""
from __future__ import annotations

import html
import json
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
    contents = client.get("/sources/getty-naumov-1999").get_data(as_text=True)
    assert "Chapter 12: Ending the Terror, 1938" in contents
    chapter = client.get("/passages/getty-naumov-1999:p2928").headers["Location"]
    page = client.get(chapter.split("#")[0]).get_data(as_text=True)
    assert 'aria-label="page 526"' in page
    assert "Chapter 12: Ending the Terror, 1938" in page
    assert "Emended text — show the original OCR" in page and "On z March 1938" in page


def test_compilation_records_show_their_original_citation(client):
    where = client.get("/passages/real-stalin-trials-2011:p439").headers["Location"]
    page = client.get(where.split("#")[0]).get_data(as_text=True)
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


def test_unknown_pages_keep_the_site_header(client):
    """/sources/nope and /modules/nope abort inside a shared page, whose header is filled only when it returns."""
    for path in ("/sources/nope", "/sources/rogovin-2009/chapters/999", "/sources/rogovin-2009/find?p=x",
                 "/passages/nope:p1", "/no-such-page"):
        _assert_error_page_with_header(client, path, 404)


def test_unknown_module_keeps_the_site_header(client):
    _assert_error_page_with_header(client, "/modules/nope", 404)


def test_forbidden_page_keeps_the_site_header(client):
    _assert_error_page_with_header(client, "/modules/sample/handout.pdf?edition=teacher", 403)


def _assert_error_page_with_header(client, path: str, status: int) -> None:
    response = client.get(path)
    page = response.get_data(as_text=True)
    assert response.status_code == status, path
    assert '<header class="site">' in page and 'href="/sources"' in page and "Sign in" in page, path
    assert "corroborate:hole" not in page, path


def test_sources_page_shows_no_seed_file_names_and_renders_markdown(client):
    page = client.get("/sources").get_data(as_text=True)
    assert not re.search(r"\d{3}_[0-9a-f]{16}\.txt|errata\.yaml|sources\.yaml|line \d+", page)
    assert "*" not in page.split('<ol class="source-list">')[1]
    assert "Russian <em>Partiia rasstreliannykh</em>" in page


def test_long_books_are_read_a_chapter_at_a_time_and_every_anchor_is_on_one_page(client, corpus):
    first = client.get("/sources/rogovin-2009")
    assert first.status_code == 200 and len(first.data) < 100_000       # was one page of 1.9 MB
    assert 'id="p1"' in first.get_data(as_text=True) and "Page 1 of" in first.get_data(as_text=True)
    total = int(re.search(r"Page 1 of (\d+)", first.get_data(as_text=True))[1])
    shown: dict[str, int] = {}
    for number in range(1, total + 1):
        response = client.get(f"/sources/rogovin-2009/chapters/{number}" if number > 1 else "/sources/rogovin-2009")
        assert response.status_code == 200 and len(response.data) < 400_000, number
        for anchor in re.findall(r'<(?:p|div|h2|h3|figure) class="passage[^"]*" id="(p\d+)"', response.get_data(as_text=True)):
            assert anchor not in shown, (anchor, shown.get(anchor), number)
            shown[anchor] = number
        for anchor in re.findall(r'<p class="note" id="(p\d+)"', response.get_data(as_text=True)):
            shown.setdefault(anchor, number)
    expected = {p.anchor for p in corpus.passages("rogovin-2009")}
    assert set(shown) == expected
    # the permalink and the "Go to paragraph" form land on the page that shows the paragraph
    for n in (1, 153, 1234, 2300, 3000, 3644):
        for url in (f"/passages/rogovin-2009:p{n}", f"/sources/rogovin-2009/find?p={n}"):
            location = client.get(url).headers["Location"]
            page = int(location.split("/chapters/")[1].split("#")[0]) if "/chapters/" in location else 1
            assert location.endswith(f"#p{n}") and page == shown[f"p{n}"], (url, location)
    assert client.get("/sources/rogovin-2009/find?p=999999").status_code == 404
    assert client.get("/sources/rogovin-2009/chapters/1").headers["Location"].endswith("/sources/rogovin-2009")


def test_an_old_link_finds_its_page_through_the_runs_the_script_reads(client):
    page = client.get("/sources/rogovin-2009").get_data(as_text=True)
    runs = json.loads(html.unescape(re.search(r'data-runs="([^"]+)"', page)[1]))
    target = client.get("/passages/rogovin-2009:p1234").headers["Location"]
    assert target.endswith(f"/chapters/{max(p for n, p in runs if n <= 1234)}#p1234")
    assert 'src="/static/js/reader.js"' in page and 'action="/sources/rogovin-2009/find"' in page


def test_short_sources_stay_one_page(client):
    page = client.get("/sources/goldman-2008").get_data(as_text=True)
    assert "Page 1 of" not in page and "reader.js" not in page


def test_front_matter_reads_as_front_matter_not_as_headings(client):
    page = client.get("/sources/goldman-2008").get_data(as_text=True)
    front = page[page.index('class="chapter front-matter"'):page.index('id="c2"')]
    assert "<h2 class=\"passage heading\"" not in front
    assert 'class="passage front-title" id="p1">THE MASS DISSEMINATION OF TERROR:' in front
    assert 'class="passage front-line" id="p4">Carnegie-Mellon University' in front
    assert 'class="passage front-heading" id="p17">Executive Summary' in front
    # the chapters after it keep their headings
    assert '<h2 class="passage heading" id="p21">' in page
    assert "the <em>partkomy</em> responded" in page and "*partkomy*" not in page


def test_passage_ids_are_unchanged(corpus):
    """Permalinks (#p123) and the modules' citations name passages by number: the reader's layout never renumbers."""
    counts = {s.id: len(corpus.passages(s.id)) for s in corpus.sources}
    assert counts == {"goldman-2008": 135, "rogovin-2009": 3644, "getty-naumov-1999": 3797,
                      "real-stalin-trials-2011": 930, "real-stalin-fifth-column-2011": 563}
    for passage_id, kind, start in [
        ("goldman-2008:p1", "body", "THE MASS DISSEMINATION OF TERROR:"),
        ("goldman-2008:p17", "heading", "Executive Summary"),
        ("goldman-2008:p21", "heading", "Introduction"),
        ("rogovin-2009:p1234", "body", "Babel was also close to the group of commanders"),
        ("rogovin-2009:p3000", "note", "Reabilitatsiia, pp. 40-41."),
        ("getty-naumov-1999:p2928", "heading", "Chapter 12: Ending the Terror, 1938"),
    ]:
        found = corpus.passage(passage_id)
        assert (found.kind, found.text[:len(start)]) == (kind, start), passage_id


def test_search_page_highlights_and_links_to_the_passage(client):
    page = client.get("/search?q=Davies+swallowed+bait").get_data(as_text=True)
    assert "<mark>swallowed</mark>" in page
    assert re.search(r'href="/sources/rogovin-2009(/chapters/\d+)?#p\d+"', page)


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


def test_a_server_error_keeps_the_site_header(app):
    """A view that fails inside a shared page (its header still a slot) gets the 500 page with the header."""
    from corroborate.web.pagecache import shared_page

    @shared_page(params=())
    def broken():
        raise RuntimeError("a bug")
    app.add_url_rule("/broken", "broken", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    _assert_error_page_with_header(app.test_client(), "/broken", 500)
