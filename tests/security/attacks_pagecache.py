"""Attacks on pagecache, tried against the served app (gunicorn, shipped settings)."""
from __future__ import annotations

import time
from pathlib import Path

from tests.security.visitor import Visitor

READER = "/sources/getty-naumov-1999/chapters/13"   # the longest reader page (Getty & Naumov's chapter 11): about 250 kB
CLOSE = {"Connection": "close"}              # a connection per request, so that every worker gets some of them


def workers(server) -> list[int]:
    """The gunicorn workers: the children of the master process."""
    tasks = Path(f"/proc/{server.process.pid}/task")
    return sorted(int(pid) for task in tasks.iterdir() for pid in (task / "children").read_text().split())


def rss(pids: list[int]) -> int:
    """The resident memory of these processes together, in bytes."""
    total = 0
    for pid in pids:
        line = next(line for line in Path(f"/proc/{pid}/status").read_text().splitlines() if line.startswith("VmRSS:"))
        total += int(line.split()[1]) * 1024
    return total


def shared_page_cache_grows_with_query_strings(server):
    """Anonymous GETs of a shared page, each with a query string of its own that the page does not read: each
    worker keeps the page once (by its path and the parameters its view reads) within a budget of bytes. Before,
    each query string was a page of its own, and 400 such GETs of the reader grew the workers by some 870 MB."""
    visitor = Visitor(server)
    assert READER.split("/chapters/")[0] in visitor.get("/sources").text      # the reader a visitor reaches
    for _ in range(40):                              # every worker renders the reader once and keeps it
        assert visitor.get(READER, headers=CLOSE).status_code == 200
    pids = workers(server)
    before, started = rss(pids), time.monotonic()
    for n in range(400):
        response = visitor.get(f"{READER}?utm={n}", headers=CLOSE)
        assert response.status_code == 200 and len(response.content) > 200_000
    grown = rss(pids) - before
    assert workers(server) == pids                   # the same workers, none restarted, were measured
    assert time.monotonic() - started < 60
    assert grown < 60 * 2**20, f"400 GETs with distinct query strings grew the workers by {grown / 2**20:.0f} MB"


SERVED: list = [shared_page_cache_grows_with_query_strings]
