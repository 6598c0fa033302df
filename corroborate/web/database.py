"""Database engine settings and transactions.

Every statement goes through SQLAlchemy's session (``db.session``), so ``echo``, event listeners and query counters
see them all. A request reads in the session's transaction, which its first statement begins and the end of the
request rolls back. It writes in a :func:`writing` block, the one way to write: the block commits at its end and rolls
back on an error.

- PostgreSQL: psycopg begins a transaction with the first statement (never autocommit), so a write made outside a
  :func:`writing` block is not committed statement by statement: it ends with the request's transaction.
- SQLite: pysqlite's own transaction handling is off and each transaction begins with our BEGIN (SQLAlchemy's
  documented pysqlite recipe). A :func:`writing` block first ends the request's reads, then begins with BEGIN
  IMMEDIATE, which takes the write lock up front: two writers never deadlock upgrading a read lock (SQLite would
  report it at once as 'database is locked'), and the lock is held for the writes alone, not the whole request. WAL
  lets reads go on meanwhile.
"""
from __future__ import annotations

import time
from contextlib import contextmanager

from flask import Flask, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

PING_AFTER_IDLE = 5.0          # seconds a pooled connection may rest before it is checked on its next use
WRITE = {"sqlite_begin": "BEGIN IMMEDIATE"}     # the execution option a writing block begins its transaction with
ONE_READ = {"sqlite_begin": None}   # a connection for a single SELECT, which SQLite runs as a transaction of its own


def engine_options(url: str, busy_timeout: float = 30.0) -> dict:
    if url.startswith("sqlite"):
        # wait (retrying) for a lock rather than fail at once; our own BEGIN (below) replaces pysqlite's implicit one
        return {"connect_args": {"timeout": busy_timeout, "isolation_level": None, "check_same_thread": False}}
    return {"pool_size": 10, "max_overflow": 20, "pool_timeout": 10, "connect_args": {"connect_timeout": 5}}


@contextmanager
def writing():
    """The statements inside (and the changes to objects made inside) form one write transaction, committed at the
    end, rolled back on an error. On SQLite the request's reads are ended first and the block begins with BEGIN
    IMMEDIATE; on PostgreSQL it continues the request's transaction. Objects loaded before stay usable: the session
    does not expire them on commit. Blocks do not nest."""
    from .extensions import db

    session = db.session()
    if session.get_bind().dialect.name == "sqlite":
        session.commit()                                 # the reads end: a read transaction never becomes a write
        session.connection(execution_options=WRITE)     # BEGIN IMMEDIATE
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def configure_sqlite(engine: Engine) -> None:
    """WAL lets readers work while one writer writes; each transaction begins with our BEGIN (see the module)."""

    @event.listens_for(engine, "connect")
    def on_connect(connection, _record):
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        begin = connection.get_execution_options().get("sqlite_begin", "BEGIN")
        if begin:
            connection.exec_driver_sql(begin)


def ping_when_idle(engine: Engine, idle: float = PING_AFTER_IDLE) -> None:
    """Check a pooled connection that rested more than ``idle`` seconds before using it, and replace it if the server
    is gone (it may have restarted meanwhile); a connection that came back to the pool a moment ago was working then.
    A pre-ping on every checkout would cost each request a round trip, and under load connections never rest.

    Should the server restart under load, the request that meets a dead connection gets the clear 503 below (the
    quiz page sends its answer again) and SQLAlchemy replaces every connection of the pool older than that failure.
    """
    @event.listens_for(engine, "connect")
    @event.listens_for(engine, "checkin")
    def rested_from(_dbapi_connection, record):
        record.info["returned_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def check_if_rested(dbapi_connection, record, _proxy):
        if time.monotonic() - record.info.get("returned_at", float("-inf")) < idle:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            if engine.dialect.is_disconnect(error, dbapi_connection, None):
                raise DisconnectionError() from error        # the pool discards it and connects afresh
            raise


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
        else:
            ping_when_idle(db.engine, app.config.get("DATABASE_PING_AFTER_IDLE", PING_AFTER_IDLE))

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
