"""Benchmark: what one press of Start costs the app, in-process (no gunicorn, no network), on a fresh instance.

N signed-in students open the assignment page and then press Start one after another, straight through the WSGI app
as gunicorn would call it (the app loaded with the warm start, as gunicorn.conf.py does). Reports the CPU time per
Start over rounds of students, and the Python function calls per Start. The call count does not change with the
machine's load, so it compares two versions of the code even when timings are noisy; the CPU time says what the
calls cost here and now.

Run: .venv/bin/python bench/start_cost.py [--database sqlite|postgresql] [--rounds 3] [--size 300] [--breakdown]
                                         [--request start|save|submit]
--breakdown also counts the calls of 100 more Starts by the part of the request they are made in (each call goes to
the innermost part it is made within; the rest is Flask and its glue). --request save measures instead the first
save of an answer (the autosave PUT) in the quiz each student has just started; --request submit, submitting it
after that save.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.serve import ROOT, instance, machine_speed  # noqa: E402
from bench.start_burst import CSRF, POPULATE, on_quiz_page  # noqa: E402

COUNTED = 100           # Starts run under cProfile to count calls (not timed)
PARTS = {               # (function, file it is defined in): the part of a Start it stands for
    ("open_session", "flask/sessions.py"): "session cookie read",
    ("save_session", "flask/sessions.py"): "session cookie written",
    ("protect", "flask_wtf/csrf.py"): "CSRF check",
    ("_load_user", "flask_login/login_manager.py"): "user of the login session",
    ("_load_form_data", "werkzeug/wrappers/request.py"): "form parsed",
    ("student_assignment_and_attempts", "corroborate/web/access.py"): "assignment read",
    ("start", "corroborate/web/attempts.py"): "new attempt (attempts.start)",
    ("layout_for", "corroborate/quiz/present.py"): "order of questions and choices",
    ("writing", "corroborate/web/database.py"): "commit of the write (database.writing)",
    ("quiz_page", "corroborate/web/learn.py"): "quiz page",
    ("process_response", "flask/app.py"): "after-request hooks",
}


def calls_by_part(call, presses) -> dict[str, float]:
    """Python and built-in calls per Start, by the innermost part of :data:`PARTS` each is made within."""
    counts: dict[str, int] = {}
    stack: list[str | None] = []

    def trace(frame, event, arg):
        if event in ("call", "c_call"):
            code = frame.f_code
            part = next((p for (name, file), p in PARTS.items()
                         if name == code.co_name and code.co_filename.endswith("/" + file)), None) \
                if event == "call" else None
            part = part or next((p for p in reversed(stack) if p), "Flask, Werkzeug and the rest")
            stack.append(part)
            counts[part] = counts.get(part, 0) + 1
        elif event in ("return", "c_return", "c_exception") and stack:
            stack.pop()
    sys.setprofile(trace)
    try:
        for environ in presses:
            call(environ)
    finally:
        sys.setprofile(None)
    return {part: n / len(presses) for part, n in counts.items()}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--size", type=int, default=300, help="Starts per timed round")
    parser.add_argument("--breakdown", action="store_true", help="calls per Start by part of the request")
    parser.add_argument("--request", choices=["start", "save", "submit"], default="start",
                        help="what is measured: pressing Start, the first save of an answer after it, or then "
                             "submitting")
    args = parser.parse_args()
    speed = machine_speed()
    users = args.rounds * args.size + COUNTED * (2 if args.breakdown else 1)
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
            if args.request != "start":   # the Start is made here, untimed, and then the first save in its quiz
                attempt, item, token, first_save = on_quiz_page(call(presses.pop())[2].decode())
                headers = {"Cookie": f"session={cookie}", "X-CSRFToken": token}
                presses.append(EnvironBuilder(path=f"/api/attempts/{attempt}/answers/{item}", method="PUT",
                                              data=first_save, content_type="application/json", headers=headers
                                              ).get_environ())
            if args.request == "submit":  # ... which is made here too; the submit is timed
                call(presses.pop())
                presses.append(EnvironBuilder(path=f"/api/attempts/{attempt}/submit", method="POST", headers=headers
                                              ).get_environ())
        expected = {"start": b'id="quiz-state"', "save": b'"saved":true', "submit": b'"submitted":true'}[args.request]
        what = "Start" if args.request == "start" else args.request
        per_request = []
        for number in range(args.rounds):
            began = time.process_time()
            for environ in presses[number * args.size:(number + 1) * args.size]:
                status, _, page = call(environ)
                if not status.startswith("200") or expected not in page:
                    raise SystemExit(f"{what} answered {status}")
            per_request.append((time.process_time() - began) / args.size * 1000)
        profile = cProfile.Profile()
        profile.enable()
        counted = args.rounds * args.size
        for environ in presses[counted:counted + COUNTED]:
            call(environ)
        profile.disable()
        parts = calls_by_part(call, presses[counted + COUNTED:]) if args.breakdown else {}
    calls = pstats.Stats(profile).total_calls / COUNTED
    print(f"{args.database}: CPU per {what} {', '.join(f'{ms:.2f}' for ms in per_request)} ms in {args.rounds} rounds "
          f"of {args.size} students (best {min(per_request):.2f} ms); {calls:.0f} function calls per {what}")
    for part, n in sorted(parts.items(), key=lambda kv: -kv[1]):
        print(f"  {n:6.0f} calls  {part}")
    print(f"  machine speed: {speed:.0f} ms before the run, {machine_speed():.0f} ms after (bench/serve.py, lower is "
          "faster)")


if __name__ == "__main__":
    main()
