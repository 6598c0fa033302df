"""Start and stop gunicorn for the benchmarks, as a deployment would run it."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def machine_speed() -> float:
    """Milliseconds of CPU a fixed piece of pure Python takes here and now. This machine's speed wanders by a third
    from minute to minute; a benchmark prints this before and after its run, so that two runs can be compared."""
    began = time.process_time()
    total = 0
    for n in range(2_000_000):
        total += n % 7
    return (time.process_time() - began) * 1000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def instance(folder: str, database: str = "sqlite", *build: str, **settings: str) -> dict:
    """The environment of a fresh Corroborate instance in ``folder``: an empty database (SQLite there, or the
    machine's PostgreSQL with its schema cleared), migrated, and the curriculum built (``build``: more flags for
    `flask curriculum build`). ``settings`` are further environment variables."""
    env = {**os.environ, "CORROBORATE_INSTANCE": folder, "SECRET_KEY": "bench",
           "CORROBORATE_CACHE": str(ROOT / "instance" / "cache"), **settings}
    if database == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    else:
        env["DATABASE_URL"] = subprocess.run(["bash", str(ROOT / "scripts" / "postgres.sh")], capture_output=True,
                                             text=True, env={**os.environ, "TEST_POSTGRES_DB": "corroborate_bench"}
                                             ).stdout.strip()
        if not env["DATABASE_URL"]:
            raise SystemExit("PostgreSQL is not available (scripts/postgres.sh)")
        subprocess.run(["psql", "-q", "-d", "corroborate_bench", "-c",
                        "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"], check=True, capture_output=True)
    flask(env, "db", "upgrade")
    flask(env, "curriculum", "build", *build)
    return env


def flask(env: dict, *args: str) -> str:
    done = subprocess.run([str(BIN / "flask"), "--app", "app", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=600)
    if done.returncode:
        raise RuntimeError(done.stderr)
    return done.stdout


@contextmanager
def gunicorn(target: str, env: dict, ready_path: str = "/", log: Path | None = None):
    port = free_port()
    out = open(log, "ab") if log else subprocess.DEVNULL
    # gunicorn.conf.py (the deployment settings: workers, threads, preload) applies; only the address is set here
    process = subprocess.Popen([str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}", target], cwd=ROOT, env=env,
                               stdout=out, stderr=out, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(url + ready_path, timeout=2)
                break
            except OSError:
                time.sleep(0.1)
        yield url
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        if log:
            out.close()
