"""Benchmark: cold build of the corpus (all five sources + the FTS index) and warm start.

Run: .venv/bin/python bench/corpus_build.py        Targets: cold build <= 3 s, warm start <= 0.3 s.
Cold = a fresh cache directory (median of 3 runs). Warm = the cache exists: hash the inputs, open the file, and
answer a first query (median of 10 runs), plus a whole `create_app()` with the corpus opened.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from corroborate.corpus.store import Corpus  # noqa: E402
from corroborate.web.state import corpus as app_corpus  # noqa: E402


def timed(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def main() -> None:
    seeds = ROOT / "seeds"
    cold = []
    for _ in range(3):
        with tempfile.TemporaryDirectory() as cache:
            cold.append(timed(lambda: Corpus.open(seeds, Path(cache))))
    with tempfile.TemporaryDirectory() as cache:
        Corpus.open(seeds, Path(cache))
        warm = [timed(lambda: Corpus.open(seeds, Path(cache)).search("Kirov")) for _ in range(10)]
        with tempfile.TemporaryDirectory() as instance:
            import os
            os.environ["CORROBORATE_INSTANCE"] = instance
            app_start = [timed(lambda: app_corpus(create_app({"CACHE_DIR": cache, "SECRET_KEY": "bench"})))
                         for _ in range(10)]
    print(f"cold build (5 sources + FTS index): median {statistics.median(cold):.3f} s "
          f"(runs: {', '.join(f'{t:.3f}' for t in cold)})  target <= 3 s")
    print(f"warm start (hash inputs, open cache, first query): median {statistics.median(warm) * 1000:.1f} ms  "
          f"target <= 300 ms")
    print(f"warm create_app() + corpus: median {statistics.median(app_start) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
