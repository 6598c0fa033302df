"""Step 1: dump passages and lexical rankings. Run with the project's .venv/bin/python."""

import json, os, sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
import yaml
from corroborate.corpus.store import Corpus

D = os.environ.get("DENSE_DIR", "/tmp/dense")
os.makedirs(D, exist_ok=True)

c = Corpus.open(ROOT / "seeds", ROOT / "instance" / "cache")
srcs = c.sources() if callable(c.sources) else c.sources
n = 0
with open(f"{D}/passages.jsonl", "w") as f:
    for s in srcs:
        for p in c.passages(s.id):
            f.write(
                json.dumps(
                    {
                        "id": p.id,
                        "source": p.source,
                        "kind": p.kind,
                        "text": p.text,
                        "chapter": p.chapter,
                        "heading": p.heading,
                        "comments": list(p.comments),
                    }
                )
                + "\n"
            )
            n += 1
print("passages", n)
qs = yaml.safe_load((ROOT / "bench" / "relevance" / "queries.yaml").read_text())["queries"]
out = []
diff = 0
for q in qs:
    r100 = [h.passage for h in c.search(q["query"], limit=100)]
    r20 = [h.passage for h in c.search(q["query"], limit=20)]
    if r100[:20] != r20:
        diff += 1
    out.append({"query": q["query"], "split": q["split"], "relevant": q["relevant"], "lexical": r100, "lexical20": r20})
json.dump(out, open(f"{D}/lexical.json", "w"), indent=0)
print("queries", len(out), "limit100[:20] != limit20:", diff)
