"""Counts the attacks the security suite tried and blocked, and reports them at the end of the run."""
from __future__ import annotations

import pytest

from corroborate.web.extensions import db
from tests import factories as f
from tests.conftest import FIXTURE_CURRICULUM, build_app
from tests.servers import Server

TALLY = {"tried": 0, "blocked": 0}


def pytest_runtest_logreport(report):
    if report.when == "call" and "tests/security/test_attacks.py::test_attack" in report.nodeid:
        TALLY["tried"] += 1
        TALLY["blocked"] += int(report.passed)


def pytest_terminal_summary(terminalreporter):
    if TALLY["tried"]:
        terminalreporter.write_line(f"security: {TALLY['tried']} attacks tried, {TALLY['blocked']} attacks blocked")


@pytest.fixture(scope="session")
def served(tmp_path_factory, corpus, corpus_cache):
    """The app as production serves it: gunicorn with the shipped settings (gunicorn.conf.py: 4 workers, each with
    its own memory), on a SQLite file and the fixture curriculum. ``served.app`` writes test rows to its database."""
    folder = tmp_path_factory.mktemp("served")
    server = Server(folder, corpus_cache, workers=None, CORROBORATE_CURRICULUM=str(FIXTURE_CURRICULUM))
    server.flask("db", "upgrade")
    server.app = build_app(folder / "rows", corpus, corpus_cache, server.database_url)
    server.ids = f.world(server.app)
    server.start()
    yield server
    server.stop()
    with server.app.app_context():
        db.engine.dispose()
