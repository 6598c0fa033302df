"""Benchmark: how well search ranks the passages a historian would cite, over the relevance set in
bench/relevance/queries.yaml (66 teacher queries, each with its relevant passages; fixed before ranking was tuned).

Run: .venv/bin/python bench/search_relevance.py [--json] [--misses]      Target: recall@5 >= 0.90 on `held`.

Per split (tune, held) and overall:
- recall@5: for each query, the share of its relevant passages found in the first five results (out of at most
  five), averaged over the queries;
- hit@5: the share of queries with at least one relevant passage in the first five;
- MRR: the mean of 1/rank of the first relevant passage in the first 20 results (0 when none is there).
``--misses`` lists the queries whose relevant passages are not all in the first five, with what came instead.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = ROOT / "bench" / "relevance" / "queries.yaml"
DEPTH = 20   # results read for MRR


def load_queries(path: Path = QUERIES) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["queries"]


def judge(corpus, entry: dict) -> dict:
    """One query's results against its relevant passages."""
    ranked = [hit.passage for hit in corpus.search(entry["query"], limit=DEPTH)]
    relevant = entry["relevant"]
    found = [p for p in relevant if p in ranked[:5]]
    first = next((i for i, p in enumerate(ranked, 1) if p in relevant), None)
    return {"query": entry["query"], "split": entry["split"], "relevant": relevant, "top5": ranked[:5],
            "recall5": len(found) / min(len(relevant), 5), "hit5": bool(found), "rr": 1 / first if first else 0.0}


def summarize(judged: list[dict]) -> dict:
    n = len(judged) or 1
    return {"queries": len(judged), "recall@5": sum(j["recall5"] for j in judged) / n,
            "hit@5": sum(j["hit5"] for j in judged) / n, "mrr": sum(j["rr"] for j in judged) / n}


def evaluate(corpus, queries: list[dict] | None = None) -> dict:
    """Figures per split and overall, and each query's judgement (``per_query``)."""
    queries = load_queries() if queries is None else queries
    missing = sorted({p for q in queries for p in q["relevant"] if corpus.passage(p) is None})
    if missing:
        raise SystemExit(f"{QUERIES}: passages not in the corpus: {', '.join(missing)}")
    judged = [judge(corpus, entry) for entry in queries]
    splits = {split: summarize([j for j in judged if j["split"] == split]) for split in ("tune", "held")}
    return {**splits, "all": summarize(judged), "per_query": judged}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--misses", action="store_true", help="list the queries that miss a relevant passage")
    args = parser.parse_args()
    from corroborate.corpus.store import Corpus
    corpus = Corpus.open(ROOT / "seeds", ROOT / "instance" / "cache")
    result = evaluate(corpus)
    if args.json:
        print(json.dumps(result if args.misses else {k: v for k, v in result.items() if k != "per_query"}, indent=1))
        return
    print(f"{'split':6} {'queries':>7} {'recall@5':>9} {'hit@5':>7} {'MRR':>7}")
    for split in ("tune", "held", "all"):
        s = result[split]
        print(f"{split:6} {s['queries']:7d} {s['recall@5']:9.3f} {s['hit@5']:7.3f} {s['mrr']:7.3f}")
    if args.misses:
        for j in result["per_query"]:
            if j["recall5"] < 1:
                print(f"\n[{j['split']}] {j['query']!r}  recall@5 {j['recall5']:.2f}  RR {j['rr']:.2f}")
                print(f"   wanted: {' '.join(j['relevant'])}")
                print(f"   top 5:  {' '.join(j['top5'])}")


if __name__ == "__main__":
    main()
