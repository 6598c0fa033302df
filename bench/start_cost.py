"""Benchmark: what one press of Start costs the app, in-process (no gunicorn, no network), on a fresh instance.

N signed-in students open the assignment page and then press Start one after another, straight through the WSGI app
as gunicorn would call it (the app loaded with the warm start, as gunicorn.conf.py does). Reports the CPU time per
Start over rounds of students, and the Python function calls per Start. The call count does not change with the
machine's load, so it compares two versions of the code even when timings are noisy; the CPU time says what the
calls cost here and now.

Run: .venv/bin/python bench/start_cost.py [--database sqlite|postgresql] [--rounds 3] [--size 300]
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.serve import ROOT, instance, machine_speed  # noqa: E402
from bench.start_burst import POPULATE  # noqa: E402

CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
COUNTED = 100           # Starts run under cProfile to count calls (not timed)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--size", type=int, default=300, help="Starts per timed round")
    args = parser.parse_args()
    speed = machine_speed()
    users = args.rounds * args.size + COUNTED
    with tempfile.TemporaryDirectory() as folder:
        env = instance(folder, args.database)
        out = subprocess.run([sys.executable, "-c", POPULATE.format(root=str(ROOT), users=users)], env=env,
                             capture_output=True, text=True, check=True).stdout.split()
        assignment, cookies = int(out[0]), out[1:]
        os.environ.update(env, CORROBORATE_WARM_START="1")
        from werkzeug.test import EnvironBuilder

        from app import create_app
        wsgi = create_app().wsgi_app

        def call(environ) -> tuple[str, list, bytes]:
            answer = {}

            def start_response(status, headers, exc_info=None):
                answer.update(status=status, headers=headers)
            body = b"".join(wsgi(environ, start_response))
            return answer["status"], answer["headers"], body

        presses = []
        for cookie in cookies:                  # each opens the assignment page first, as a browser would
            _, headers, page = call(EnvironBuilder(path=f"/learn/assignments/{assignment}",
                                                   headers={"Cookie": f"session={cookie}"}).get_environ())
            cookie = next((v.split(";")[0].split("=", 1)[1] for k, v in headers
                           if k.lower() == "set-cookie" and v.startswith("session=")), cookie)
            presses.append(EnvironBuilder(path=f"/learn/assignments/{assignment}/start", method="POST",
                                          headers={"Cookie": f"session={cookie}"},
                                          data=urllib.parse.urlencode({"csrf_token": CSRF.search(page.decode())[1]}),
                                          content_type="application/x-www-form-urlencoded").get_environ())
        per_start = []
        for number in range(args.rounds):
            began = time.process_time()
            for environ in presses[number * args.size:(number + 1) * args.size]:
                status, _, page = call(environ)
                if not status.startswith("200") or b'id="quiz-state"' not in page:
                    raise SystemExit(f"Start answered {status}")
            per_start.append((time.process_time() - began) / args.size * 1000)
        profile = cProfile.Profile()
        profile.enable()
        for environ in presses[args.rounds * args.size:]:
            call(environ)
        profile.disable()
    calls = pstats.Stats(profile).total_calls / COUNTED
    print(f"{args.database}: CPU per Start {', '.join(f'{ms:.2f}' for ms in per_start)} ms in {args.rounds} rounds "
          f"of {args.size} students (best {min(per_start):.2f} ms); {calls:.0f} function calls per Start")
    print(f"  machine speed: {speed:.0f} ms before the run, {machine_speed():.0f} ms after (bench/serve.py, lower is "
          "faster)")


if __name__ == "__main__":
    main()
