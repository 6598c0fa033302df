"""gunicorn serving create_app() on loopback, as a deployment does: for the browser journeys and the attacks that must
be tried against the real server (several workers, each with its own memory), not only the test client."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn serving create_app(), and beside it the job queue's worker, as `make run` starts them; restartable
    (and killable) by the tests. ``workers`` None keeps the shipped settings of gunicorn.conf.py (its worker count,
    threads, preload and warm start)."""

    def __init__(self, folder: Path, cache: Path, workers: int | None = 2, **environment: str):
        self.folder, self.port, self.workers = folder, free_port(), workers
        self.database_url = f"sqlite:///{folder / 'served.sqlite3'}"
        self.env = {**os.environ, "CORROBORATE_INSTANCE": str(folder / "instance"), "CORROBORATE_CACHE": str(cache),
                    "DATABASE_URL": self.database_url, "SECRET_KEY": "served-secret",
                    "RATELIMIT_STORAGE_URI": "memory://",
                    "CORROBORATE_JOBS_URL": f"sqlite:///{folder / 'jobs.sqlite3'}", **environment}
        self.process: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def flask(self, *args: str) -> str:
        done = subprocess.run([str(BIN / "flask"), "--app", "app", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self) -> None:
        command = [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{self.port}", "app:create_app()"]
        if self.workers is not None:
            command[1:1] = ["--workers", str(self.workers), "--threads", "4"]
        with open(self.folder / "gunicorn.log", "ab") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=log,
                                            start_new_session=True)
            self.worker = subprocess.Popen([str(BIN / "huey_consumer"), "corroborate.jobs.huey", "--workers", "1",
                                            "--max-delay", "0.5"], cwd=ROOT, env=self.env, stdout=log, stderr=log,
                                           start_new_session=True)
        for _ in range(600):
            try:
                urllib.request.urlopen(f"{self.url}/sources", timeout=2)
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start; see " + str(self.folder / "gunicorn.log"))

    def kill(self) -> None:
        """kill -9 the master and its workers, and the job worker, as a crash would."""
        for process in (self.process, self.worker):
            if process:
                os.killpg(process.pid, signal.SIGKILL)      # each in its own process group, with its children
                process.wait(timeout=10)
        self.process = self.worker = None

    def stop(self) -> None:
        for process in (self.process, self.worker):
            if process:
                process.terminate()
                process.wait(timeout=20)
        self.process = self.worker = None
