"""How many citation lines of the two quotation compilations parse fully.

Run: .venv/bin/python bench/citations_coverage.py
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from corroborate.corpus.citations import parse_citation, split_run_on  # noqa: E402

SEEDS = ("003", "004")


def citations(path: Path):
    """(line number, Citation) for every citation line, including one that runs into the next quotation."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        run_on = split_run_on(line)
        citation = run_on[0] if run_on else parse_citation(line)
        if citation:
            yield number, citation


def main() -> None:
    total = complete = 0
    for prefix in SEEDS:
        (path,) = (ROOT / "seeds").glob(f"{prefix}_*.txt")
        found = list(citations(path))
        partial = [(n, c) for n, c in found if not c.complete]
        total += len(found)
        complete += len(found) - len(partial)
        print(f"{path.name}: {len(found)} citation lines, {len(found) - len(partial)} fully parsed "
              f"({100 * (len(found) - len(partial)) / len(found):.1f}%)")
        for n, c in partial:
            missing = [f for f in ("author", "title", "year", "publisher") if not getattr(c, f)]
            print(f"  line {n}: missing {', '.join(missing)}: {c.raw}")
    print(f"total: {total} citation lines, {complete} fully parsed ({100 * complete / total:.1f}%)")


if __name__ == "__main__":
    main()
