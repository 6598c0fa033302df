"""Shared fixtures: one real corpus per test session, and a fresh app (with its own instance folder) per test."""
from __future__ import annotations

from pathlib import Path

import pytest

from app import create_app
from corroborate.corpus.store import Corpus

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_CURRICULUM = ROOT / "tests" / "fixtures" / "curriculum"


@pytest.fixture(scope="session")
def corpus_cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("corpus-cache")


@pytest.fixture(scope="session")
def corpus(corpus_cache) -> Corpus:
    """The real corpus built from seeds/, once per session."""
    return Corpus.open(ROOT / "seeds", corpus_cache)


@pytest.fixture
def app(tmp_path, corpus, corpus_cache, monkeypatch):
    monkeypatch.setenv("CORROBORATE_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SECRET_KEY": "test", "CACHE_DIR": str(corpus_cache),
                      "CURRICULUM_DIR": str(FIXTURE_CURRICULUM)})
    app.extensions["corroborate.corpus"] = corpus
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
