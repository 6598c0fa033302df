"""Benchmark: the moment a class presses Start, alone and quickly (about 30 s a run).

N students, already signed in, press Start at the same moment against gunicorn as deployed (gunicorn.conf.py).
Reports p50 / p95 / max latency, errors, and the CPU seconds that gunicorn, PostgreSQL and this load generator used
during the burst (from /proc), which says whether the burst is bound by CPU. bench/quiz_load.py is the full
scenario (sign-in through the form, think time, autosave, submit, locust); this one skips the slow sign-in ramp by
creating login sessions directly, so that server settings can be compared in seconds.

Run: .venv/bin/python bench/start_burst.py [--users 500] [--database sqlite|postgresql]
     (WEB_CONCURRENCY and CORROBORATE_THREADS override gunicorn.conf.py's workers and threads)
"""
from __future__ import annotations

import argparse
import http.client
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.serve import ROOT, gunicorn, instance, machine_speed  # noqa: E402

CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
POPULATE = """
import sys
sys.path.insert(0, {root!r})
from datetime import timedelta
from app import create_app
from corroborate.web.extensions import db
from corroborate.web.models import Assignment, Classroom, Enrollment, LoginSession, User, utcnow
app = create_app()
with app.app_context():
    teacher = User(username="bench-teacher", name="Bench", role="teacher", password_hash="-")
    db.session.add(teacher); db.session.flush()
    room = Classroom(name="Burst", teacher_id=teacher.id); db.session.add(room); db.session.flush()
    tokens = []
    for n in range({users}):
        student = User(username=f"student{{n}}", name=f"Student {{n}}", role="student", password_hash="-")
        db.session.add(student); db.session.flush()
        db.session.add(Enrollment(classroom_id=room.id, student_id=student.id))
        login = LoginSession(user_id=student.id); db.session.add(login); db.session.flush()
        tokens.append(login.token)
    now = utcnow()
    assignment = Assignment(classroom_id=room.id, module_id="kirov", open_at=now - timedelta(hours=1),
                            due_at=now + timedelta(days=1), attempts_allowed=1, review_policy="immediately")
    db.session.add(assignment); db.session.commit()
    cookies = app.session_interface.get_signing_serializer(app)
    print(assignment.id)
    for token in tokens:
        print(cookies.dumps({{"_user_id": token, "_fresh": True}}))
"""


def cpu_seconds() -> dict[str, float]:
    """CPU time (user + system) used so far, by process name, over every process on the machine."""
    used: dict[str, float] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            name, fields = stat[stat.index("(") + 1:stat.rindex(")")], stat[stat.rindex(")") + 2:].split()
            used[name] = used.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return used


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    args = parser.parse_args()
    speed = machine_speed()
    with tempfile.TemporaryDirectory() as folder:
        env = instance(folder, args.database)
        out = subprocess.run([sys.executable, "-c", POPULATE.format(root=str(ROOT), users=args.users)], env=env,
                             capture_output=True, text=True, check=True).stdout.split()
        assignment, cookies = int(out[0]), out[1:]
        with gunicorn("app:create_app()", env, ready_path="/sources") as url:
            port = int(url.rsplit(":", 1)[1])
            students = []
            for cookie in cookies:          # each opens the assignment page first, as a browser would
                connection = http.client.HTTPConnection("127.0.0.1", port)
                connection.request("GET", f"/learn/assignments/{assignment}", headers={"Cookie": f"session={cookie}"})
                response = connection.getresponse()
                page = response.read().decode()
                kept = (response.getheader("Set-Cookie") or f"session={cookie}").split(";")[0]
                students.append((kept, CSRF.search(page)[1]))
                connection.close()
            barrier = threading.Barrier(len(students) + 1)
            latencies, errors = [], []

            def press_start(cookie: str, token: str) -> None:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                barrier.wait()
                began = time.perf_counter()
                try:
                    connection.request("POST", f"/learn/assignments/{assignment}/start",
                                       body=urllib.parse.urlencode({"csrf_token": token}),
                                       headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"})
                    response = connection.getresponse()
                    if response.status != 200 or b'id="quiz-state"' not in response.read():
                        errors.append(response.status)
                except OSError as error:
                    errors.append(repr(error))
                latencies.append(time.perf_counter() - began)
            threads = [threading.Thread(target=press_start, args=student) for student in students]
            for thread in threads:
                thread.start()
            before, began = cpu_seconds(), time.perf_counter()
            barrier.wait()
            for thread in threads:
                thread.join()
            elapsed, after = time.perf_counter() - began, cpu_seconds()
    latencies.sort()
    p50, p95 = (latencies[int(len(latencies) * share)] * 1000 for share in (0.5, 0.95))
    used = {name: after[name] - before.get(name, 0.0) for name in ("gunicorn", "postgres", "python") if name in after}
    print(f"{args.database}, {args.users} students press Start together: {len(errors)} errors, p50 {p50:.0f} ms, "
          f"p95 {p95:.0f} ms, max {latencies[-1] * 1000:.0f} ms; all served in {elapsed:.2f} s")
    print("  CPU seconds during the burst: " + ", ".join(f"{name} {seconds:.2f}" for name, seconds in used.items())
          + " (python: this load generator)")
    print(f"  machine speed: {speed:.0f} ms before the run, {machine_speed():.0f} ms after (bench/serve.py, lower is "
          "faster)")


if __name__ == "__main__":
    main()
