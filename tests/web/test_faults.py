"""A database that is briefly locked or out of reach: a retry, a clear message, never a lost answer."""
from __future__ import annotations

import sqlite3
import threading
import time

from sqlalchemy import create_engine, text

from app import create_app
from corroborate.web.extensions import db
from tests import factories as f
from tests.conftest import postgres_app, sqlite_app
from tests.web.test_quiz_engine import put, start, student_client


def a_started_quiz(app):
    """A student of class A signed in, with the quiz of assignment A started: (browser, CSRF token, attempt id)."""
    ids = f.world(app)
    client, token = student_client(app)
    return client, token, start(app, client, token, ids["assignment_a"])


def hold_lock(path, seconds: float) -> threading.Thread:
    ready = threading.Event()

    def locker():
        connection = sqlite3.connect(path, isolation_level=None)
        connection.execute("BEGIN EXCLUSIVE")
        ready.set()
        time.sleep(seconds)
        connection.execute("ROLLBACK")
        connection.close()
    thread = threading.Thread(target=locker)
    thread.start()
    ready.wait()
    return thread


def test_a_briefly_locked_database_is_waited_for(tmp_path, corpus, corpus_cache, sqlite_template):
    app = sqlite_app(tmp_path, corpus, corpus_cache, sqlite_template, SQLITE_BUSY_TIMEOUT=5.0)
    client, token, attempt_id = a_started_quiz(app)
    locker = hold_lock(tmp_path / "test.sqlite3", 1.0)
    began = time.monotonic()
    response = put(client, token, attempt_id, "q-short", "843", 1)
    locker.join()
    assert response.status_code == 200 and time.monotonic() - began >= 0.9      # it waited, then saved
    assert client.get(f"/api/attempts/{attempt_id}").get_json()["answers"]["q-short"]["value"] == "843"


def test_a_database_locked_too_long_gets_a_clear_503_and_the_retry_saves(tmp_path, corpus, corpus_cache,
                                                                          sqlite_template):
    app = sqlite_app(tmp_path, corpus, corpus_cache, sqlite_template, SQLITE_BUSY_TIMEOUT=0.3)
    client, token, attempt_id = a_started_quiz(app)
    locker = hold_lock(tmp_path / "test.sqlite3", 1.5)
    refused = put(client, token, attempt_id, "q-short", "843", 1)
    locker.join()
    assert refused.status_code == 503
    body = refused.get_json()
    assert body["retry"] is True and "Nothing is lost" in body["reason"]
    retried = put(client, token, attempt_id, "q-short", "843", 1)          # what quiz.js does next
    assert retried.status_code == 200
    assert client.get(f"/api/attempts/{attempt_id}").get_json()["answers"]["q-short"]["value"] == "843"


def test_an_unreachable_database_gets_a_clear_503(tmp_path, corpus, corpus_cache, monkeypatch):
    monkeypatch.setenv("CORROBORATE_INSTANCE", str(tmp_path / "instance"))
    app = create_app({"SECRET_KEY": "x", "CACHE_DIR": str(corpus_cache), "TESTING": True, "WTF_CSRF_ENABLED": False,
                      "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:9/none"})
    app.extensions["corroborate.corpus"] = corpus
    client = app.test_client()
    page = client.post("/login", data={"username": "ana", "password": "secret"})
    assert page.status_code == 503 and "One moment" in page.get_data(as_text=True)
    assert page.headers["Retry-After"] == "5"
    with client.session_transaction() as session:     # a student who signed in before the database went away
        session["_user_id"] = "a-session-token"
    api = client.put("/api/attempts/1/answers/q-short", json={"value": "843", "seq": 1})
    assert api.status_code == 503 and api.get_json()["retry"] is True
    assert "answers stay on your device" in api.get_json()["reason"]
    with app.app_context():
        db.engine.dispose()


def _backend_of_next_request(app) -> int:
    """The PostgreSQL server process that the app's next database work is served by, returned to the pool after."""
    with app.app_context():
        pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
        db.session.remove()
    return pid


def _terminate(url: str, pid: int) -> None:
    """Kill one server process from outside the app, as a database restart or an idle timeout would."""
    engine = create_engine(url)
    with engine.begin() as connection:
        assert connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar_one()
    engine.dispose()
    time.sleep(0.2)


def test_a_pooled_connection_the_server_dropped_while_it_rested_is_replaced_unseen(tmp_path, corpus, corpus_cache,
                                                                                     postgres_url):
    app = postgres_app(tmp_path, corpus, corpus_cache, postgres_url, DATABASE_PING_AFTER_IDLE=0.0)
    client, token, attempt_id = a_started_quiz(app)
    before = _backend_of_next_request(app)
    _terminate(postgres_url, before)
    saved = put(client, token, attempt_id, "q-short", "843", 1)         # the rested connection is checked first
    assert saved.status_code == 200 and saved.get_json()["saved"] is True
    assert _backend_of_next_request(app) != before
    with app.app_context():
        db.engine.dispose()


def test_a_connection_dropped_in_use_gets_a_clear_503_once_and_the_retry_saves(tmp_path, corpus, corpus_cache,
                                                                                postgres_url):
    app = postgres_app(tmp_path, corpus, corpus_cache, postgres_url, DATABASE_PING_AFTER_IDLE=3600.0)
    client, token, attempt_id = a_started_quiz(app)
    _terminate(postgres_url, _backend_of_next_request(app))
    refused = put(client, token, attempt_id, "q-short", "843", 1)       # not checked: it was in use a moment ago
    assert refused.status_code == 503 and refused.get_json()["retry"] is True
    retried = put(client, token, attempt_id, "q-short", "843", 1)       # what quiz.js does next
    assert retried.status_code == 200
    assert client.get(f"/api/attempts/{attempt_id}").get_json()["answers"]["q-short"]["value"] == "843"
    with app.app_context():
        db.engine.dispose()
