"""The shared-page cache keeps a page by its path and the query parameters its view reads, within a budget of bytes."""
from __future__ import annotations

from flask import render_template_string, request

from corroborate.web import pagecache
from corroborate.web.pagecache import LRU, shared_page, size_of

READER = "/sources/getty-naumov-1999/chapters/13"   # the longest page of the seeds' readers (Getty & Naumov's chapter 11): about 250 kB


def test_query_strings_the_reader_does_not_read_share_its_one_cached_page(app):
    client = app.test_client()
    first = client.get(READER)
    assert first.status_code == 200 and len(first.data) > 200_000
    for n in range(300):
        response = client.get(f"{READER}?utm={n}&ref=x{n}")
        assert response.status_code == 200 and response.headers["ETag"] == first.headers["ETag"]
    assert response.data == first.data
    cache = app.wsgi_app
    assert [key for key in cache.pages._entries if key[0].startswith(READER)] == [(READER + "?", "public")]
    assert len(cache.pages) == 1 and len(cache.params) == 1
    assert size_of(first.data) < cache.pages.held <= pagecache.PAGE_BYTES
    assert cache.visitors.held <= pagecache.VISITOR_BYTES and pagecache._fragments.held <= pagecache.FRAGMENT_BYTES


def test_a_page_is_kept_by_the_values_of_the_parameters_its_view_reads(app):
    calls = []

    @shared_page(params=("page", "q"))
    def paged():
        calls.append(request.full_path)
        return render_template_string("{{ site_header() }}<p>page {{ page }} of {{ q }}</p>",
                                      page=request.args.get("page", "1"), q=request.args.get("q", ""))
    app.add_url_rule("/paged", "paged", paged)
    client = app.test_client()
    assert "page 2 of x" in client.get("/paged?q=x&page=2&utm=1").get_data(as_text=True)
    assert "page 2 of x" in client.get("/paged?utm=2&page=2&q=x").get_data(as_text=True)    # the same page
    assert "page 3 of x" in client.get("/paged?page=3&q=x").get_data(as_text=True)
    assert "page 1 of " in client.get("/paged?utm=3").get_data(as_text=True)
    assert "page 1 of " in client.get("/paged").get_data(as_text=True)
    assert len(calls) == 3
    assert {key for key, _ in app.wsgi_app.pages._entries} == {"/paged?page=2&q=x", "/paged?page=3&q=x", "/paged?"}


def test_the_byte_budget_drops_the_least_recently_used():
    cache = LRU(max_bytes=10_000)
    for n in range(10):
        cache.put(n, "x" * 1_000)                     # some 1 kB each, key and value
        if n == 5:
            assert cache.get(0) == "x" * 1_000        # used again: now dropped after the others
    assert 0 in cache and 1 not in cache and 9 in cache
    for n in range(10, 100):
        cache.put(n, "x" * 1_000)
        assert cache.held <= 10_000
    assert len(cache) < 10 and 99 in cache and 98 in cache and 1 not in cache
    assert cache.held == sum(size_of(key) + size_of(value) for key, (value, _) in cache._entries.items())
    cache.put("big", "y" * 20_000)                    # larger than the whole budget: not kept, nothing dropped
    assert "big" not in cache and 99 in cache
    cache.put(99, "z")                                # a new value for a key replaces its bytes
    cache.pop(98)
    assert cache.held == sum(size_of(key) + size_of(value) for key, (value, _) in cache._entries.items())


def test_an_lru_can_be_bounded_by_count_too():
    memo = LRU(pagecache.MB, max_entries=3)
    made = [memo.get(n, lambda n=n: str(n)) for n in range(5)]
    assert made == ["0", "1", "2", "3", "4"] and len(memo) == 3 and 0 not in memo
    assert memo.get(4, lambda: "made again") == "4"
