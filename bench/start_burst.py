"""Benchmark: the moment a class presses Start, alone and quickly (about 30 s a run).

N students, already signed in, press Start at the same moment against gunicorn as deployed (gunicorn.conf.py).
Reports p50 / p95 / max latency, errors, and the CPU seconds that gunicorn, PostgreSQL and this load generator used
during the burst (from /proc), which says whether the burst is bound by CPU. bench/quiz_load.py is the full
scenario (sign-in through the form, think time, autosave, submit, locust); this one skips the slow sign-in ramp by
creating login sessions directly, so that server settings can be compared in seconds. With --autosave, the same
students then each save an answer at the same moment: a request with the same session, login and CSRF check and one
write, but no quiz to lay out and render, which says how much of a Start's cost is the Start itself. With --submit,
they then all submit at the same moment (a timed quiz ending for a class that started together). With
--one-at-a-time the requests go one after another: what each costs gunicorn and PostgreSQL without contention (set
WEB_CONCURRENCY=1 to have one worker serve them all). With --hello, N requests for bench/hello_app.py's bare Flask
hello-world go instead, under the same gunicorn settings: what HTTP alone costs here, before any app runs.

Run: .venv/bin/python bench/start_burst.py [--users 500] [--database sqlite|postgresql] [--autosave] [--submit]
                                          [--one-at-a-time] [--hello]
     (WEB_CONCURRENCY and CORROBORATE_THREADS override gunicorn.conf.py's workers and threads)
"""
from __future__ import annotations

import argparse
import http.client
import json
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


def on_quiz_page(quiz: str) -> tuple[int, str, str, str]:
    """The attempt of the quiz page ``quiz``, its first single-choice question, the CSRF token to send, and the first
    save of an answer to that question (its first choice, by the id this attempt shows it by), as JSON."""
    attempt = json.loads(re.search(r'id="quiz-state">(.*?)</script>', quiz, re.S)[1])["attempt"]
    question = re.search(r'data-item="([^"]+)" data-type="single".*?type="radio"[^>]*? value="([^"]+)"', quiz, re.S)
    return attempt, question[1], CSRF.search(quiz)[1], json.dumps({"value": question[2], "seq": 1})


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


def burst(port: int, requests: list[tuple[str, str, str, dict, bytes]], together: bool = True) -> tuple:
    """Send every request (method, path, body, headers, text its answer must contain) at the same moment, each on a
    fresh connection of its own thread (``together`` false: one after another, each once the one before is
    answered). Returns the latencies (s), the errors, the seconds until all were answered, the CPU seconds used
    meanwhile by process name, and the answers' bodies in order."""
    barrier = threading.Barrier(len(requests) + 1 if together else 1)
    latencies, errors, bodies = [], [], [b""] * len(requests)

    def send(number: int, method: str, path: str, body: str, headers: dict, expected: bytes) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        barrier.wait()
        began = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            bodies[number] = response.read()
            if response.status != 200 or expected not in bodies[number]:
                errors.append(response.status)
        except OSError as error:
            errors.append(repr(error))
        latencies.append(time.perf_counter() - began)
    threads = [threading.Thread(target=send, args=(number, *request)) for number, request in enumerate(requests)]
    if together:
        for thread in threads:
            thread.start()
    before, began = cpu_seconds(), time.perf_counter()
    barrier.wait()
    for thread in threads:
        if not together:
            thread.start()
        thread.join()
    elapsed, after = time.perf_counter() - began, cpu_seconds()
    used = {name: after[name] - before.get(name, 0.0) for name in ("gunicorn", "postgres", "python") if name in after}
    return sorted(latencies), errors, elapsed, used, bodies


def report(title: str, measured: tuple) -> list[bytes]:
    latencies, errors, elapsed, used, bodies = measured
    p50, p95 = (latencies[int(len(latencies) * share)] * 1000 for share in (0.5, 0.95))
    print(f"{title}: {len(errors)} errors, p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {latencies[-1] * 1000:.0f} ms; "
          f"all served in {elapsed:.2f} s; {sum(map(len, bodies)) // max(len(bodies), 1):,} bytes an answer")
    print("  CPU seconds during the burst: " + ", ".join(f"{name} {seconds:.2f}" for name, seconds in used.items())
          + " (python: this load generator)")
    return bodies


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=500)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--one-at-a-time", action="store_true",
                        help="send the requests one after another instead: the CPU each costs without contention")
    parser.add_argument("--autosave", action="store_true",
                        help="then every student saves an answer at the same moment: the same sign-in, CSRF check "
                             "and one write, without the quiz (what a Start costs beyond any request that writes)")
    parser.add_argument("--submit", action="store_true",
                        help="then every student submits at the same moment, as when a timed quiz ends for a class "
                             "that started together")
    parser.add_argument("--hello", action="store_true",
                        help="send the requests to a bare Flask hello-world instead: what HTTP alone costs")
    args = parser.parse_args()
    speed = machine_speed()
    if args.hello:
        with gunicorn("bench.hello_app:app", dict(os.environ)) as url:
            how = "one after another" if args.one_at_a_time else "together"
            report(f"hello-world, {args.users} requests {how}", burst(
                int(url.rsplit(":", 1)[1]), [("GET", "/", "", {}, b"Hello")] * args.users, not args.one_at_a_time))
    else:
        students_press_start(args)
    print(f"  machine speed: {speed:.0f} ms before the run, {machine_speed():.0f} ms after (bench/serve.py, lower is "
          "faster)")


def students_press_start(args) -> None:
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
            together = not args.one_at_a_time
            how = "together" if together else "one after another"
            pages = report(f"{args.database}, {args.users} students press Start {how}", burst(port, [
                ("POST", f"/learn/assignments/{assignment}/start", urllib.parse.urlencode({"csrf_token": token}),
                 {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}, b'id="quiz-state"')
                for cookie, token in students], together))
            quizzes = [(cookie, *on_quiz_page(page.decode())) for (cookie, _), page in zip(students, pages)
                       ] if args.autosave or args.submit else []
            if args.autosave:
                report(f"{args.database}, the same students each save an answer {how}", burst(port, [
                    ("PUT", f"/api/attempts/{attempt}/answers/{item}", first_save,
                     {"Cookie": cookie, "Content-Type": "application/json", "X-CSRFToken": token}, b'"saved":true')
                    for cookie, attempt, item, token, first_save in quizzes], together))
            if args.submit:
                report(f"{args.database}, the same students each submit {how}", burst(port, [
                    ("POST", f"/api/attempts/{attempt}/submit", "", {"Cookie": cookie, "X-CSRFToken": token},
                     b'"submitted":true') for cookie, attempt, _, token, _ in quizzes], together))


if __name__ == "__main__":
    main()
