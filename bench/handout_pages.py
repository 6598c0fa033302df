"""How many pages each shipped module's handouts run to, read back from the real PDFs with pypdf.

Target: a student edition of about ten pages (exercises share pages, the quiz in two columns); the teacher edition is
longer (rubrics with sample answers, keys, the lesson plan).

Run: .venv/bin/python bench/handout_pages.py [--paper a4|letter]
"""
from __future__ import annotations

import argparse
import io
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pypdf  # noqa: E402

from corroborate.corpus.store import Corpus  # noqa: E402
from corroborate.curriculum.build import build_unit  # noqa: E402
from corroborate.handouts.render import EDITIONS, Request, render  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paper", default="a4", choices=("a4", "letter"))
    paper = parser.parse_args().paper
    cache = Path(tempfile.mkdtemp(prefix="handout-pages-"))
    corpus = Corpus.open(ROOT / "seeds", cache)
    unit, _ = build_unit(ROOT / "curriculum", corpus, cache)
    sources = {s.id: s for s in corpus.sources}
    print(f"{'module':14} {'edition':8} pages  ({paper})")
    for module in unit.modules:
        for edition in EDITIONS:
            pdf = render(Request(module, edition, "A", paper), sources)
            print(f"{module.id:14} {edition:8} {len(pypdf.PdfReader(io.BytesIO(pdf)).pages):5}")


if __name__ == "__main__":
    main()
