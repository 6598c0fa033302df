"""One way to write: a ``writing`` block commits (or rolls back on an error); a write made outside one is never
committed statement by statement, on PostgreSQL as on SQLite; on SQLite a writing block takes the write lock up
front (BEGIN IMMEDIATE) after the request's reads, which run in a plain BEGIN."""
from __future__ import annotations

import pytest
from sqlalchemy import event, update

from corroborate.web.database import writing
from corroborate.web.extensions import db
from corroborate.web.models import Classroom
from tests import factories as f


@pytest.fixture
def app(any_app):
    return any_app


def a_class(app) -> int:
    return f.classroom(app, f.user(app, "t", "teacher"), "Before")


def rename(name: str):
    return update(Classroom).values(name=name)


def name_of(app, class_id: int) -> str:
    with app.app_context():
        return db.session.get(Classroom, class_id).name


def test_a_view_that_writes_outside_a_writing_block_commits_nothing(app):
    class_id = a_class(app)

    @app.get("/test/careless-write")
    def careless_write():
        db.session.execute(rename("Careless"))          # no writing block, no commit
        return "written?"
    assert app.test_client().get("/test/careless-write").status_code == 200
    assert name_of(app, class_id) == "Before"


def test_a_writing_block_commits_and_one_that_fails_rolls_back(app):
    class_id = a_class(app)

    @app.get("/test/write/<name>")
    def write(name):
        db.session.get(Classroom, class_id)              # a read first, as views do
        with writing():
            db.session.execute(rename(name))
            if name == "Broken":
                raise RuntimeError("the block fails")
        return "written"
    app.config["PROPAGATE_EXCEPTIONS"] = False
    client = app.test_client()
    assert client.get("/test/write/After").status_code == 200
    assert name_of(app, class_id) == "After"
    assert client.get("/test/write/Broken").status_code == 500
    assert name_of(app, class_id) == "After"


def test_on_sqlite_reads_begin_plainly_and_a_writing_block_takes_the_write_lock_up_front(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("SQLite's BEGIN")
    class_id = a_class(app)
    sent = []

    def listener(_connection, _cursor, statement, *_):
        sent.append(" ".join(statement.split())[:30])
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            db.session.get(Classroom, class_id)
            with writing():
                db.session.execute(rename("After"))
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
            db.session.remove()
    assert [s.split()[0] if not s.startswith("BEGIN") else s for s in sent] == [
        "BEGIN", "SELECT", "BEGIN IMMEDIATE", "UPDATE"], sent
