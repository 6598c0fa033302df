"""Shared fixtures: one real corpus per session, migrated databases (SQLite always, PostgreSQL when available),
and small helpers for signing in and posting forms with their CSRF token."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# the job queue of this test run (read when corroborate.jobs is first imported): never the checkout's instance folder
os.environ["CORROBORATE_JOBS_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='corroborate-jobs-')}/jobs.sqlite3"

import pytest  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import text  # noqa: E402

from app import create_app  # noqa: E402
from corroborate.corpus.store import Corpus  # noqa: E402
from corroborate.web.extensions import db  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_CURRICULUM = ROOT / "tests" / "fixtures" / "curriculum"
MIGRATIONS = str(ROOT / "migrations")


@pytest.fixture(scope="session")
def corpus_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("corpus-cache")


@pytest.fixture(scope="session")
def corpus(corpus_cache) -> Corpus:
    """The real corpus built from seeds/, once per session."""
    return Corpus.open(ROOT / "seeds", corpus_cache)


def build_app(instance: Path, corpus: Corpus, corpus_cache: Path, database_url: str, **config):
    os.environ["CORROBORATE_INSTANCE"] = str(instance)
    settings = {"TESTING": True, "SECRET_KEY": "test", "CACHE_DIR": str(corpus_cache),
                "CURRICULUM_DIR": str(FIXTURE_CURRICULUM), "SQLALCHEMY_DATABASE_URI": database_url,
                "RATELIMIT_ENABLED": False}
    settings.update(config)
    app = create_app(settings)
    app.extensions["corroborate.corpus"] = corpus
    return app


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory, corpus, corpus_cache) -> Path:
    """A SQLite file migrated once with `flask db upgrade`; each test gets a copy."""
    folder = tmp_path_factory.mktemp("sqlite-template")
    path = folder / "template.sqlite3"
    app = build_app(folder, corpus, corpus_cache, f"sqlite:///{path}")
    with app.app_context():
        upgrade(directory=MIGRATIONS)
        db.engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_url(corpus, corpus_cache, tmp_path_factory) -> str:
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        if os.environ.get("REQUIRE_POSTGRES"):
            pytest.fail("REQUIRE_POSTGRES is set but TEST_POSTGRES_URL is empty (see scripts/postgres.sh)")
        pytest.skip("PostgreSQL not available (make test starts it when it can)")
    app = build_app(tmp_path_factory.mktemp("pg"), corpus, corpus_cache, url)
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        upgrade(directory=MIGRATIONS)
        db.engine.dispose()
    return url


def sqlite_app(tmp_path, corpus, corpus_cache, sqlite_template, **config):
    path = tmp_path / "test.sqlite3"
    shutil.copy(sqlite_template, path)
    return build_app(tmp_path / "instance", corpus, corpus_cache, f"sqlite:///{path}", **config)


def postgres_app(tmp_path, corpus, corpus_cache, url, **config):
    app = build_app(tmp_path / "instance", corpus, corpus_cache, url, **config)
    with app.app_context():
        tables = ", ".join(t.name for t in db.metadata.sorted_tables)
        with db.engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    return app


@pytest.fixture
def app(tmp_path, corpus, corpus_cache, sqlite_template):
    app = sqlite_app(tmp_path, corpus, corpus_cache, sqlite_template)
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def any_app(request, tmp_path, corpus, corpus_cache, sqlite_template):
    """The app on each database backend: for tests of rules the database enforces."""
    if request.param == "sqlite":
        app = sqlite_app(tmp_path, corpus, corpus_cache, sqlite_template)
    else:
        app = postgres_app(tmp_path, corpus, corpus_cache, request.getfixturevalue("postgres_url"))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


CSRF = re.compile(r'name="csrf[-_]token" (?:content|value)="([^"]+)"|(?:content|value)="([^"]+)" name="csrf[-_]token"')


def csrf_token(client, page: str = "/login") -> str:
    html = client.get(page).get_data(as_text=True)
    match = CSRF.search(html) or re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, f"no CSRF token on {page}"
    return next(g for g in match.groups() if g)


def post(client, url: str, data: dict | None = None, page: str | None = None, **kwargs):
    """POST a form the way a browser does: with the CSRF token of the page it came from."""
    data = dict(data or {})
    data["csrf_token"] = csrf_token(client, page or "/sources")
    return client.post(url, data=data, **kwargs)


def login(client, username: str, password: str):
    token = csrf_token(client, "/login")
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


class Worker:
    """The job queue's real worker (``huey_consumer``, as `make run` starts it) on this test run's queue, serving
    the fixture curriculum and writing handouts to the test cache."""

    def __init__(self, folder: Path, corpus_cache: Path):
        self.env = {**os.environ, "CORROBORATE_INSTANCE": str(folder / "worker-instance"),
                    "CORROBORATE_CACHE": str(corpus_cache), "CORROBORATE_CURRICULUM": str(FIXTURE_CURRICULUM)}
        self.process: subprocess.Popen | None = None
        self.log = folder / "worker.log"

    def start(self) -> None:
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen([str(Path(sys.executable).parent / "huey_consumer"),
                                             "corroborate.jobs.huey", "--workers", "1", "--max-delay", "0.5"],
                                            cwd=ROOT, env=self.env, stdout=log, stderr=log)

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=30)
            self.process = None


@pytest.fixture
def worker(tmp_path, corpus_cache):
    """A worker, not yet started, on an empty queue (what earlier tests left queued is dropped)."""
    from corroborate.jobs import huey
    huey.flush()
    made = Worker(tmp_path, corpus_cache)
    yield made
    made.stop()
