"""Slow work in a task queue, never in a web worker: handouts (a class set runs to hundreds of pages) render in the
worker that `make run` starts beside gunicorn (``huey_consumer corroborate.jobs.huey``).

Huey, because it needs no server of its own: by default its queue, job states and results are one SQLite file in
the instance folder (``jobs.sqlite3``), which every app server of one machine shares and which survives a restart of
the web server or of the worker. ``CORROBORATE_JOBS_URL=sqlite:////path/jobs.sqlite3`` puts that file elsewhere;
where several machines serve the app, ``CORROBORATE_JOBS_URL=redis://host:6379/0`` puts the queue in Redis, and any
worker renders for any server (the PDFs go to the shared handout cache, ``CORROBORATE_HANDOUT_CACHE``).

A handout is asked for once however many teachers ask at the same time: the first request enqueues the job and
stores its id under the handout's key (``put_if_empty``, atomic in both storages); the others get the same id.
The "Preparing…" page polls :func:`job_state` by that id.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from huey import RedisHuey, SqliteHuey
from huey.exceptions import TaskException

ROOT = Path(__file__).resolve().parents[1]
STALE_AFTER = 15 * 60       # seconds after which a job's marker is taken for one whose worker died mid-render


def _queue():
    """The queue that ``CORROBORATE_JOBS_URL`` names (read when this module is first imported, by the web server and
    by the worker alike), by default ``jobs.sqlite3`` in the instance folder."""
    url = os.environ.get("CORROBORATE_JOBS_URL", "")
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey("corroborate", url=url)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
    elif url:
        raise SystemExit(f"CORROBORATE_JOBS_URL must be sqlite:///PATH or redis://HOST:PORT/DB, not {url!r}")
    else:
        path = Path(os.environ.get("CORROBORATE_INSTANCE", str(ROOT / "instance"))) / "jobs.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("corroborate", filename=str(path))


huey = _queue()
_worker_app = None


def _app():
    """The app in the worker process, made once: its corpus and unit are built (or read from the cache) once."""
    global _worker_app
    if _worker_app is None:
        from app import create_app
        _worker_app = create_app()
    return _worker_app


def _marker(key: str) -> str:
    return f"handout:{key}"


@huey.task()
def render_handout(key: str, module_id: str, version: str, edition: str, form: str, paper: str,
                   students: tuple[str, ...]) -> dict:
    """Render one handout into the shared handout cache: ``{"file": its name}``, or ``{"failed": why}`` for a
    teacher to read (an unexpected error fails the job with Huey's own record of it)."""
    from .handouts.render import Request
    from .web.handouts import cache
    from .web.state import corpus, unit

    try:
        with _app().app_context():
            module = unit().module(module_id)
            if module is None or module.version != version:
                return {"failed": "The module has changed since this handout was asked for: ask for it again."}
            request = Request(module, edition, form, paper, tuple(students))
            return {"file": cache().ensure(request, {s.id: s for s in corpus().sources}).name}
    finally:
        huey.delete(_marker(key))        # done or failed: the next request starts afresh


def request_handout(request) -> str:
    """The id of the job rendering ``request``: a new job, or the one already queued or running for it."""
    marker = _marker(request.key)
    task = render_handout.s(request.key, request.module.id, request.module.version, request.edition, request.form,
                            request.paper, tuple(request.students))
    for _ in range(2):
        if huey.put_if_empty(marker, f"{task.id} {time.time():.0f}"):
            huey.enqueue(task)
            return task.id
        found = huey.get(marker, peek=True)
        if found is None:
            continue                                   # finished between the two calls
        job_id, since = found.split()
        if time.time() - float(since) < STALE_AFTER:
            return job_id
        huey.delete(marker)                            # its worker died mid-render: ask again
    huey.enqueue(task)                                 # raced twice: render it again rather than wait on nothing
    return task.id


def job_state(job_id: str) -> tuple[str, str | None]:
    """("done", None), ("failed", reason) or ("waiting", None) for a job id from :func:`request_handout`."""
    try:
        result = huey.result(job_id, preserve=True)
    except TaskException:
        return "failed", "The handout could not be made: try again, and tell your administrator if it fails again."
    if result is None:
        return "waiting", None
    return ("failed", result["failed"]) if "failed" in result else ("done", None)
