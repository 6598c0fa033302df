"""Benchmark: search latency over 50 realistic teacher queries (warm corpus).

Run: .venv/bin/python bench/search_latency.py      Target: p50 <= 5 ms; p95 reported.
Each query runs 5 times; the figures are over all 250 runs.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corroborate.corpus.store import Corpus  # noqa: E402

QUERIES = """why did Bukharin confess | Davies trial conspiracy | Kirov murder | who killed Kirov | Nikolaev Leningrad
closed letter January 1935 | emergency law December 1934 | Zinoviev Kamenev trial | Krestinsky retraction |
torture confessions | Yagoda poison | Yezhov NKVD | Tukhachevsky court martial | Radek Pyatakov | fifth column |
Trotsky Mexico | Sedov | Vyshinsky prosecutor | Rudenko rehabilitation | Khrushchev secret speech |
Molotov Chuev | Duranty New York Times | Feuchtwanger Moscow 1937 | workers factory meeting | partkom expulsion |
Stakhanovite | Metro-Vickers engineers | Shakhty trial | Industrial Party Ramzin | Dewey Commission |
Rykov Bukharin plenum | February March plenum 1937 | mass operations order 00447 | kulak operation |
Leningrad arrests 1935 | Ordzhonikidze suicide | Kalinin | Voroshilov army purge | Gamarnik | Blucher |
Stalin letter Bukharin | Pravda editorial | Izvestia Bukharin editor | Nicolaevsky letter of an old Bolshevik |
Hotel Bristol Copenhagen | Trotskyist center | right-Trotskyist bloc | Japanese spies | German agents |
Anna Louise Strong | Sayers Kahn great conspiracy""".replace("\n", " ").split("|")


def main() -> None:
    corpus = Corpus.open(ROOT / "seeds", ROOT / "instance" / "cache")
    queries = [q.strip() for q in QUERIES if q.strip()]
    assert len(queries) == 50, len(queries)
    corpus.search("warm up")
    times = []
    for _ in range(5):
        for query in queries:
            start = time.perf_counter()
            corpus.search(query, limit=20)
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    p50 = statistics.median(times)
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"search over {len(queries)} queries x 5: p50 {p50:.2f} ms, p95 {p95:.2f} ms, max {times[-1]:.2f} ms "
          f"(target p50 <= 5 ms)")


if __name__ == "__main__":
    main()
