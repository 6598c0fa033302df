"""Benchmark: handout rendering and serving.

1. Cold render of each module's student and teacher editions through Corroborate (HTML built from the module, then
   WeasyPrint behind the safe URL fetcher, tagged PDF) against WeasyPrint alone rendering the same saved HTML with
   the same stylesheet. Targets: ours <= 1.1 x WeasyPrint's own time, and <= 100 ms per page.
2. Warm-cache throughput: a cached handout served by the app (gunicorn, wrk on loopback) against the same PDF bytes
   served as a static file by the same app.

Run: .venv/bin/python bench/handout_render.py      (needs wrk for part 2: apt-get install wrk)
"""
from __future__ import annotations

import io
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pypdf  # noqa: E402

from bench.serve import ROOT, gunicorn, instance  # noqa: E402
from corroborate.corpus.store import Corpus  # noqa: E402
from corroborate.curriculum.build import build_unit  # noqa: E402
from corroborate.handouts.pdf import STATIC  # noqa: E402
from corroborate.handouts.render import Request, handout_html, render  # noqa: E402


def weasyprint_alone(html: str) -> bytes:
    from weasyprint import CSS, HTML
    return HTML(string=html, base_url=str(STATIC)).write_pdf(stylesheets=[CSS(filename=str(STATIC / "css/print.css"))])


def timed(function, repeat: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def rendering() -> None:
    corpus = Corpus.open(ROOT / "seeds", ROOT / "instance" / "cache")
    unit, _ = build_unit(ROOT / "curriculum", corpus, ROOT / "instance" / "cache")
    sources = {s.id: s for s in corpus.sources}
    weasyprint_alone("<p>warm up</p>")
    print("module        edition   pages   ours (s)  WeasyPrint alone (s)  ratio  ms/page  pages/s")
    for module in unit.modules:
        for edition in ("student", "teacher"):
            request = Request(module, edition, "A", "a4")
            ours, pdf = timed(lambda: render(request, sources))
            html = handout_html(request, sources)
            alone, _ = timed(lambda: weasyprint_alone(html))
            pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
            print(f"{module.id:13} {edition:8} {pages:6}   {ours:7.2f}   {alone:19.2f}  {ours / alone:5.2f}"
                  f"  {ours / pages * 1000:7.0f}  {pages / ours:7.1f}")


def serving() -> None:
    from bench.page_throughput import wrk
    if not shutil.which("wrk"):
        print("(wrk not installed: skipping the serving benchmark)")
        return
    with tempfile.TemporaryDirectory() as folder:
        env = instance(folder, "sqlite", "--handouts")
        cached = next((ROOT / "instance" / "cache" / "handouts").glob("kirov-student-A-a4-*.pdf"))
        static_copy = STATIC / ".bench-handout.pdf"
        shutil.copy(cached, static_copy)
        try:
            with gunicorn("app:create_app()", env, ready_path="/sources") as url:
                handout = url + "/modules/kirov/handout.pdf?edition=student&form=A&paper=a4"
                wrk(handout, 3)
                ours = wrk(handout, 10)
                wrk(url + "/static/.bench-handout.pdf", 3)
                static = wrk(url + "/static/.bench-handout.pdf", 10)
        finally:
            static_copy.unlink(missing_ok=True)
    size = cached.stat().st_size // 1024
    print(f"warm cached handout ({size} KB): {ours:7.0f} req/s; the same file as a static file: {static:7.0f} req/s "
          f"({ours / static:.2f} x)")


if __name__ == "__main__":
    rendering()
    serving()
