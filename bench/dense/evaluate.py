"""Step 4: score lexical, dense, RRF fusion and dense re-ranking with the metrics of bench/search_relevance.py.
Parameters are chosen on `tune` only (recall@5, then MRR); held is reported for the chosen setting.
Run: $DENSE_DIR/venv/bin/python bench/dense/evaluate.py   -> grid.tsv, grid.json, examples.txt"""

import json, math, itertools, os
import numpy as np

D = os.environ.get("DENSE_DIR", "/tmp/dense")
DEPTH = 20
P = [json.loads(l) for l in open(f"{D}/passages.jsonl")]
IDS = [p["id"] for p in P]
KIND = np.array([p["kind"] for p in P])
Q = json.load(open(f"{D}/lexical.json"))
QE = np.load(f"{D}/emb_queries.npy")
EMB = {v: np.load(f"{D}/emb_{v}.npy") for v in ("plain", "ctx")}
MASKS = {"all": np.ones(len(P), bool), "body+record": np.isin(KIND, ["body", "record"])}


# --- copied from bench/search_relevance.py (judge takes the ranking instead of calling corpus.search) ---
def judge(ranked, entry):
    ranked = ranked[:DEPTH]
    relevant = entry["relevant"]
    found = [p for p in relevant if p in ranked[:5]]
    first = next((i for i, p in enumerate(ranked, 1) if p in relevant), None)
    return {
        "query": entry["query"],
        "split": entry["split"],
        "relevant": relevant,
        "top5": ranked[:5],
        "recall5": len(found) / min(len(relevant), 5),
        "hit5": bool(found),
        "rr": 1 / first if first else 0.0,
    }


def summarize(judged):
    n = len(judged) or 1
    return {
        "queries": len(judged),
        "recall@5": sum(j["recall5"] for j in judged) / n,
        "hit@5": sum(j["hit5"] for j in judged) / n,
        "mrr": sum(j["rr"] for j in judged) / n,
    }


# ---------------------------------------------------------------------------------------------------------


def dense_rank(qi, emb, mask, n=100):
    s = emb @ QE[qi]
    s = np.where(mask, s, -np.inf)
    top = np.argsort(-s, kind="stable")[:n]
    return [IDS[i] for i in top], s


def rrf(lex, den, k, w):
    sc = {}
    for r, p in enumerate(lex, 1):
        sc[p] = sc.get(p, 0) + 1 / (k + r)
    for r, p in enumerate(den, 1):
        sc[p] = sc.get(p, 0) + w / (k + r)
    lr = {p: r for r, p in enumerate(lex)}
    dr = {p: r for r, p in enumerate(den)}
    return sorted(sc, key=lambda p: (-sc[p], lr.get(p, 999), dr.get(p, 999)))


ID_IX = {p: i for i, p in enumerate(IDS)}


def rerank(lex, scores, b, depth=50):
    cand = lex[:depth]
    sc = {p: scores[ID_IX[p]] - b * math.log(r) for r, p in enumerate(cand, 1)}
    return sorted(cand, key=lambda p: -sc[p]) + lex[depth:]


def run(rank_fn):
    judged = [judge(rank_fn(i, q), q) for i, q in enumerate(Q)]
    return {s: summarize([j for j in judged if j["split"] == s]) for s in ("tune", "held")} | {
        "all": summarize(judged),
        "per_query": judged,
    }


variants = {}
variants["lexical"] = run(lambda i, q: q["lexical"])
DR = {}
for ev, mk in itertools.product(EMB, MASKS):
    DR[(ev, mk)] = [dense_rank(i, EMB[ev], MASKS[mk]) for i in range(len(Q))]
    variants[f"dense text={ev} side={mk}"] = run(lambda i, q, key=(ev, mk): DR[key][i][0])
for (ev, mk), k, w in itertools.product(DR, (10, 30, 60), (0.5, 1, 2)):
    variants[f"rrf text={ev} side={mk} k={k} w={w}"] = run(
        lambda i, q, key=(ev, mk): rrf(q["lexical"], DR[key][i][0], k, w)
    )
for (ev, mk), b in itertools.product(DR, (0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0)):
    variants[f"rerank50 text={ev} side={mk} b={b}"] = run(
        lambda i, q, key=(ev, mk): rerank(q["lexical"], DR[key][i][1], b)
    )
for (ev, mk), k, w in itertools.product(DR, (10, 30, 60), (0.5, 1, 2)):
    # RRF inside the lexical top 50 only (dense ranks computed among those 50)
    def f(i, q, key=(ev, mk), k=k, w=w):
        s = DR[key][i][1]
        cand = q["lexical"][:50]
        den = sorted(cand, key=lambda p: -s[ID_IX[p]])
        return rrf(cand, den, k, w)[:50] + q["lexical"][50:]

    variants[f"rerank50-rrf text={ev} side={mk} k={k} w={w}"] = run(f)


def key(name):
    t = variants[name]["tune"]
    return (t["recall@5"], t["mrr"])


with open(f"{D}/grid.tsv", "w") as f:
    f.write("variant\ttune_r5\ttune_hit5\ttune_mrr\theld_r5\theld_hit5\theld_mrr\tall_r5\tall_mrr\n")
    for name in sorted(variants, key=key, reverse=True):
        v = variants[name]
        f.write(
            f"{name}\t"
            + "\t".join(f"{v[s][m]:.3f}" for s in ("tune", "held") for m in ("recall@5", "hit@5", "mrr"))
            + f"\t{v['all']['recall@5']:.3f}\t{v['all']['mrr']:.3f}\n"
        )
json.dump(
    {n: {s: v[s] for s in ("tune", "held", "all")} for n, v in variants.items()}, open(f"{D}/grid.json", "w"), indent=1
)

best = {}
for fam in ("dense ", "rrf ", "rerank50 ", "rerank50-rrf "):
    best[fam] = max((n for n in variants if n.startswith(fam)), key=key)
best_overall = max((n for n in variants if n != "lexical"), key=key)
print("chosen per family (on tune):")
for n in ["lexical", *best.values()]:
    v = variants[n]
    print(
        f"  {n:55s} tune r5 {v['tune']['recall@5']:.3f} hit {v['tune']['hit@5']:.3f} mrr {v['tune']['mrr']:.3f} | "
        f"held r5 {v['held']['recall@5']:.3f} hit {v['held']['hit@5']:.3f} mrr {v['held']['mrr']:.3f}"
    )
print("chosen overall:", best_overall)

with open(f"{D}/examples.txt", "w") as f:
    lex = variants["lexical"]["per_query"]
    bst = variants[best_overall]["per_query"]
    for a, b in sorted(zip(lex, bst), key=lambda ab: ab[1]["recall5"] - ab[0]["recall5"]):
        if a["top5"] == b["top5"]:
            continue
        f.write(
            f"[{a['split']}] {a['query']!r}  r5 {a['recall5']:.2f}->{b['recall5']:.2f}  "
            f"RR {a['rr']:.2f}->{b['rr']:.2f}\n"
            f"  wanted: {' '.join(a['relevant'])}\n  before: {' '.join(a['top5'])}\n  after:  {' '.join(b['top5'])}\n\n"
        )

# diagnostic: coverage of relevant passages in each candidate list (is dense complementary to lexical?)
with open(f"{D}/coverage.txt", "w") as f:
    for split in ("tune", "held"):
        idx = [i for i, q in enumerate(Q) if q["split"] == split]
        for depth in (5, 20, 50, 100):
            tot = sum(len(Q[i]["relevant"]) for i in idx)
            lx = sum(p in Q[i]["lexical"][:depth] for i in idx for p in Q[i]["relevant"])
            dn = sum(p in DR[("ctx", "body+record")][i][0][:depth] for i in idx for p in Q[i]["relevant"])
            un = sum(
                p in Q[i]["lexical"][:depth] or p in DR[("ctx", "body+record")][i][0][:depth]
                for i in idx
                for p in Q[i]["relevant"]
            )
            f.write(
                f"{split} depth {depth}: relevant found lexical {lx}/{tot}, "
                f"dense(ctx,body+record) {dn}/{tot}, union {un}/{tot}\n"
            )
print(open(f"{D}/coverage.txt").read())
