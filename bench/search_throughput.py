"""Benchmark: req/s of the search page over distinct queries (no query twice, so no cache of any kind can help) against
a bare Flask hello-world in the same run, both served by gunicorn with the shipped settings (gunicorn.conf.py),
driven by wrk on loopback.

Run: .venv/bin/python bench/search_throughput.py [--seconds 15]      Target: search >= 0.25 × hello-world.
Needs wrk (Debian: apt-get install wrk).

The queries are teacher-like: the relevance set's questions and keyword strings, then generated ones — names,
topics, years and question openings of the unit combined at random (seeded), some 60,000 distinct strings in all,
more than a run sends. wrk's Lua script gives each request the next query of the pool (its own stride per thread),
so each request asks something no earlier request asked (the warm-up run asks other strings). Any response other
than 2xx/3xx fails the run, and the first query's page must list results.

Run: .venv/bin/python bench/search_throughput.py --floor   serves bench/search_floor_app.py, where every search
answers at once with the same 20 hits: what the page costs without searching, the ceiling of the ratio.

Before issue #26 (same machine, same run conditions): search 315 req/s against hello-world 7327 (0.04 ×). On
2026-12-06: search 729 req/s against 6245 (0.12 ×); the page searching nothing 1971 against 5830 (0.34 ×).
"""
from __future__ import annotations

import argparse
import random
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.search_relevance import load_queries  # noqa: E402
from bench.serve import gunicorn, instance, machine_speed  # noqa: E402

NAMES = """Kirov Nikolaev Stalin Yagoda Yezhov Beria Zinoviev Kamenev Bukharin Rykov Tomsky Radek Pyatakov Piatakov
Sokolnikov Krestinsky Rakovsky Rozengolts Vyshinsky Ulrikh Tukhachevsky Yakir Uborevich Gamarnik Blucher Voroshilov
Molotov Kaganovich Ordzhonikidze Zhdanov Khrushchev Postyshev Trotsky Sedov Davies Duranty Feuchtwanger Pritt Strong
Dewey Orlov Krivitsky Reiss Rudenko Smirnov Holtzman Muralov Serebryakov Zaporozhets Agranov Frinovsky Mercader
Shvernik Conquest Getty Goldman Rogovin Larina Medvedev Litvinov Lenin Hitler""".split()
TOPICS = """trial confession confessed tortured torture shot executed execution arrested arrests purge terror NKVD OGPU
plenum letter wrote conspiracy treason espionage wrecking sabotage bloc center Trotskyist Zinovievist rightist
opposition army generals officers workers factory meeting resolution verdict sentence death penalty defendants
accused prosecutor court witness evidence rehabilitation commission murder assassination Leningrad Moscow Smolny
kulaks troika quotas limits camps Gulag exile poison doctors Gorky spies Germany Japan fascist fifth column
newspaper Pravda Izvestia ambassador journalist observers""".split()
YEARS = [str(y) for y in range(1927, 1942)] + ["1956", "1988", "December 1934", "August 1936", "January 1937",
                                                "June 1937", "March 1938", "1937-38", "1937-1938"]
OPENINGS = ["why did", "how many", "what did", "who", "when was", "was", "did", "what happened to", "how did"]


def distinct_queries(count: int, seed: int = 26) -> list[str]:
    rng = random.Random(seed)
    queries = dict.fromkeys(entry["query"] for entry in load_queries())
    while len(queries) < count:
        words = rng.sample(NAMES, rng.choice((1, 1, 2))) + rng.sample(TOPICS, rng.choice((1, 2, 2, 3)))
        if rng.random() < 0.4:
            words.append(rng.choice(YEARS))
        rng.shuffle(words)
        if rng.random() < 0.35:
            words.insert(0, rng.choice(OPENINGS))
        queries[" ".join(words)] = None
    return list(queries)


LUA = """
local paths = {}
for line in io.lines("%(paths)s") do paths[#paths + 1] = line end
local counter = 0
local id = 0
local threads = 0
setup = function(thread)
  thread:set("id", threads)
  threads = threads + 1
end
init = function(args)
  counter = id
end
request = function()
  local path = paths[(counter %% #paths) + 1]
  counter = counter + %(threads)d
  return wrk.format("GET", path)
end
"""


def wrk(url: str, seconds: int, script: str | None = None, connections: int = 64) -> float:
    extra = ["-s", script] if script else []
    out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", *extra, url],
                         capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors[1]} error responses")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--queries", type=int, default=60_000)
    parser.add_argument("--floor", action="store_true",
                        help="serve bench/search_floor_app.py instead: every search answers with the same 20 hits, "
                             "found once (what the page costs without the search)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    threads = 2
    queries = distinct_queries(args.queries)
    print(f"machine speed before: {machine_speed():.0f} ms")
    with tempfile.TemporaryDirectory() as folder:
        paths = Path(folder) / "paths.txt"
        paths.write_text("".join(f"/search?{urllib.parse.urlencode({'q': q})}\n" for q in queries))
        script = Path(folder) / "rotate.lua"
        script.write_text(LUA % {"paths": paths, "threads": threads})
        warm = Path(folder) / "warm.txt"       # the warm-up run asks other queries than the measured one
        warm.write_text("".join(f"/search?{urllib.parse.urlencode({'q': q + ' x'})}\n" for q in queries[:5000]))
        warm_script = Path(folder) / "warm.lua"
        warm_script.write_text(LUA % {"paths": warm, "threads": threads})
        env = instance(folder)
        with gunicorn("bench.hello_app:app", env) as url:
            wrk(url + "/", 3)
            hello = wrk(url + "/", args.seconds)
        target = "bench.search_floor_app:create_app()" if args.floor else "app:create_app()"
        with gunicorn(target, env, ready_path="/sources") as url:
            check = urllib.request.urlopen(url + "/search?q=" + urllib.parse.quote(queries[0])).read().decode()
            if 'class="results"' not in check:
                raise RuntimeError("the search page shows no results for " + queries[0])
            wrk(url + "/", 3, script=str(warm_script))
            search = wrk(url + "/", args.seconds, script=str(script))
    sent = int(search * args.seconds)
    print(f"machine speed after: {machine_speed():.0f} ms")
    print(f"hello-world                          {hello:8.0f} req/s")
    what = "search page, searching nothing" if args.floor else "search, distinct queries, no cache"
    print(f"{what:36} {search:8.0f} req/s  ({search / hello:.2f} × hello-world; "
          f"target >= 0.25)  [{sent} requests from a pool of {len(queries)}: "
          f"{'none' if sent <= len(queries) else 'some'} repeated]")


if __name__ == "__main__":
    main()
