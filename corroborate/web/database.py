"""Database engine settings: SQLite that behaves under concurrent requests, PostgreSQL as is."""
from __future__ import annotations

from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine


def engine_options(url: str, busy_timeout: float = 30.0) -> dict:
    if url.startswith("sqlite"):
        # wait (retrying) for a lock rather than fail at once; our own BEGIN (below) replaces pysqlite's implicit one
        return {"connect_args": {"timeout": busy_timeout, "isolation_level": None, "check_same_thread": False}}
    return {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20, "pool_timeout": 10,
            "connect_args": {"connect_timeout": 5}}


def _writing() -> bool:
    """Will this transaction write? A GET request only reads (bar rare housekeeping); anything else may write."""
    return not (has_request_context() and request.method in ("GET", "HEAD"))


def configure_sqlite(engine: Engine) -> None:
    """WAL lets readers work while one writer writes. A transaction that may write starts with BEGIN IMMEDIATE,
    taking the write lock up front, so two writers never deadlock upgrading a read lock (which SQLite would report at
    once as 'database is locked'); a page view starts a plain BEGIN and never waits for a writer."""

    @event.listens_for(engine, "connect")
    def on_connect(connection, _record):
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _writing() else "BEGIN")


UNAVAILABLE = ("The database is busy or out of reach for a moment. Nothing is lost: answers stay on your device "
               "and are sent again automatically.")


def init_database(app: Flask) -> None:
    """Engine settings, and a clear 503 (JSON with a reason for the API) when the database is locked or down."""
    from flask import jsonify, render_template
    from sqlalchemy.exc import DBAPIError, TimeoutError as PoolTimeout

    from .extensions import db

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)

    @app.errorhandler(DBAPIError)
    @app.errorhandler(PoolTimeout)
    def unavailable(error):
        if isinstance(error, DBAPIError) and not error.connection_invalidated and \
                error.orig.__class__.__name__ not in ("OperationalError", "InterfaceError"):
            raise error                                   # a real bug, not an outage: let it surface
        db.session.rollback()
        app.logger.warning("database unavailable: %s", error)
        if request.path.startswith("/api/"):
            return jsonify(error="unavailable", reason=UNAVAILABLE, retry=True), 503, {"Retry-After": "2"}
        return render_template("errors/unavailable.html", reason=UNAVAILABLE), 503, {"Retry-After": "5"}
