"""Database engine settings and transactions: SQLite that behaves under concurrent requests, PostgreSQL with rested
connections checked before use, and on both a transaction begun only where a request writes (:data:`BEGIN`)."""
from __future__ import annotations

import time
from contextlib import contextmanager
from functools import lru_cache, wraps
from typing import NamedTuple

from flask import Flask, g, has_request_context, request
from psycopg.pq import TransactionStatus
from sqlalchemy import Float, bindparam, event, insert
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, DisconnectionError

PING_AFTER_IDLE = 5.0          # seconds a pooled connection may rest before it is checked on its next use


def engine_options(url: str, busy_timeout: float = 30.0) -> dict:
    if url.startswith("sqlite"):
        # wait (retrying) for a lock rather than fail at once; our own BEGIN (below) replaces pysqlite's implicit one
        return {"connect_args": {"timeout": busy_timeout, "isolation_level": None, "check_same_thread": False}}
    # in autocommit mode psycopg begins no transaction of its own: ours begin where one is needed (below)
    return {"pool_size": 10, "max_overflow": 20, "pool_timeout": 10,
            "connect_args": {"connect_timeout": 5, "autocommit": True}}


READ, WRITE, ONE_STATEMENT = "read", "write", "one statement"
BEGIN = {
    # how a transaction of each kind begins, by database; None: there is none, each statement commits on its own.
    # On SQLite a transaction that may write takes the write lock up front, so two writers never deadlock upgrading a
    # read lock (which SQLite would report at once as 'database is locked'); a read never waits for a writer.
    "sqlite": {READ: "BEGIN", WRITE: "BEGIN IMMEDIATE", ONE_STATEMENT: None},
    # reads need no transaction on PostgreSQL (at READ COMMITTED every statement reads its own snapshot anyway), and
    # sending none saves the round trips of a BEGIN and a COMMIT or ROLLBACK
    "postgresql": {READ: None, WRITE: "BEGIN", ONE_STATEMENT: None},
}


def _transaction_kind() -> str:
    """What the next transaction is for.

    By default a GET request only reads (bar rare housekeeping, which goes through :func:`writing`) and anything
    else may write. A view marked :func:`reads_first` reads, and writes inside :func:`writing` blocks.
    """
    if has_request_context():
        chosen = g.get("transaction")
        if chosen:
            return chosen
        if request.method in ("GET", "HEAD"):
            return READ
    return WRITE


def reads_first(view):
    """For the views a whole class calls at once (start, autosave, submit): their reads run as reads (on SQLite in
    plain transactions, on PostgreSQL in none), and only their :func:`writing` blocks write, so SQLite's write lock is
    held for the writes alone rather than for the whole request. Apply it outside the login check, so that loading
    the user reads too."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        g.transaction = READ
        return view(*args, **kwargs)
    return wrapper


@contextmanager
def writing(one_statement: bool = False):
    """The statements inside form one write transaction, committed at the end (rolled back on an error).

    The transaction of any reads before it is ended first on SQLite, and the block begins with BEGIN IMMEDIATE,
    taking the write lock up front (a read transaction cannot safely be upgraded to a write once another writer has
    committed). On PostgreSQL the block continues a transaction the request has begun, or begins one. Both happen on
    the reads' connection, which stays out of the pool meanwhile. Objects loaded before stay usable: the session
    does not expire them on commit.

    ``one_statement``: the block runs a single statement, which the database makes atomic by itself, so no
    transaction is begun for it (on SQLite it then takes the write lock for itself; on PostgreSQL the round trips
    of a BEGIN and a COMMIT are saved).
    """
    from .extensions import db

    kind = ONE_STATEMENT if one_statement else WRITE
    outer = g.get("transaction") if has_request_context() else None
    if has_request_context():
        g.transaction = kind                        # how a transaction begun inside the block begins
    session = db.session()
    if session.in_transaction():
        connection = session.connection()
        dbapi_connection = connection.connection.dbapi_connection
        if connection.dialect.name == "sqlite":
            if dbapi_connection.in_transaction:
                _run(connection, "COMMIT", ())          # the reads' transaction: its read lock is never upgraded
            _begin(connection, kind)
        elif dbapi_connection.info.transaction_status == TransactionStatus.IDLE:
            _begin(connection, kind)                    # the reads before ran in no transaction
    try:
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        if has_request_context():
            g.transaction = outer


def driver_select(statement, **params) -> list[tuple]:
    """The rows of ``statement`` (a SQLAlchemy select, or an INSERT or UPDATE … RETURNING, which to the driver is a
    select; built once) with its bound ``params``, compiled once per dialect and run by the driver on the session's
    connection, inside its transaction. For the statements a whole class runs at once: SQLAlchemy's statement layer
    costs several times the query itself (bench/start_cost.py). Values are converted as SQLAlchemy converts them,
    both ways (SQLite keeps datetimes as text, and its dates and booleans come back as datetimes and booleans)."""
    from .extensions import db

    connection = db.session.connection()
    sql, arguments, converters = driver_query(statement, connection.dialect, **params)
    return _converted(_run(connection, sql, arguments, rows=True).rows, converters)


def driver_query(statement, dialect, **params) -> tuple[str, tuple | dict, tuple]:
    """``statement`` as the driver of ``dialect`` runs it: its SQL (compiled once), ``params`` in the form the
    driver takes them, and the converter of each column's values it returns."""
    compiled = _compiled(statement, dialect)
    return compiled.sql, _bound(compiled, params), compiled.results


def driver_insert(table, row: dict) -> int:
    """INSERT ``row`` into ``table`` with the driver, as :func:`driver_select` runs a select, and return its primary
    key. The row names every column whose default SQLAlchemy would make in Python (else the statement asks for it)."""
    return driver_select(_insert_of(table, tuple(row)), **row)[0][0]


@lru_cache(maxsize=16)
def _insert_of(table, names: tuple[str, ...]):
    """The INSERT of the columns ``names`` into ``table``, each value a parameter of the column's name, returning
    the new row's primary key (SQLite and PostgreSQL both can: the answers' upsert relies on it too)."""
    return insert(table).values({name: bindparam(name) for name in names}).returning(table.primary_key.columns[0])


def driver_execute(statement, *rows: dict) -> int:
    """Run ``statement`` (an UPDATE built once, with bound parameters) as :func:`driver_select` runs a select, once
    for each of ``rows`` (its parameters by name); the driver sends several together. Returns how many rows of the
    table it changed."""
    from .extensions import db

    if not rows:
        return 0
    connection = db.session.connection()
    compiled = _compiled(statement, connection.dialect)
    bound = [_bound(compiled, row) for row in rows]
    return _run(connection, compiled.sql, bound if len(bound) > 1 else bound[0], many=len(bound) > 1).count


class Compiled(NamedTuple):
    sql: str                    # as the driver takes it
    order: tuple | None         # the names of its parameters in order (None: the driver takes them by name)
    binds: dict                 # the converter of each parameter's values, by name (None: as they are)
    results: tuple              # the converter of each returned column's values


@lru_cache(maxsize=32)
def _compiled(statement, dialect) -> Compiled:
    compiled = statement.compile(dialect=dialect)
    return Compiled(str(compiled), tuple(compiled.positiontup) if compiled.positiontup is not None else None,
                    {name: bind.type.dialect_impl(dialect).bind_processor(dialect)
                     for name, bind in compiled.binds.items()},
                    tuple(_result_converter(c.type, dialect) for c in statement.exported_columns))


def _result_converter(column_type, dialect):
    """SQLAlchemy's converter of a column's values as the driver returns them. For PostgreSQL's numbers it asks
    which type they came as: a column of floats comes as double precision (type 701), which psycopg returns as
    floats already."""
    impl = column_type.dialect_impl(dialect)
    return impl.result_processor(dialect, 701 if dialect.name == "postgresql" and isinstance(impl, Float) else None)


def _bound(compiled: Compiled, params: dict) -> tuple | dict:
    """``params`` (by name) converted for the database, in the form the driver takes them."""
    values = {name: convert(params[name]) if convert and params[name] is not None else params[name]
              for name, convert in compiled.binds.items()}
    return values if compiled.order is None else tuple(values[name] for name in compiled.order)


def _converted(rows: list[tuple], converters: tuple) -> list[tuple]:
    """The driver's ``rows`` with each value converted by its column's converter, as SQLAlchemy converts them."""
    return [tuple(convert(value) if convert and value is not None else value
                  for convert, value in zip(converters, row)) for row in rows]


class Ran(NamedTuple):
    rows: list[tuple]          # the rows it returned, where asked for
    count: int                 # the rows it changed (-1 where the driver does not tell)


def _run(connection, sql: str, params: tuple | list, rows: bool = False, many: bool = False) -> Ran:
    """Run ``sql`` with the driver on ``connection`` (a SQLAlchemy connection, in its transaction), once, or with
    ``many`` once for each of a list of ``params``: its rows (when ``rows`` says it returns some: asking psycopg
    whether it did builds a description of every column) and how many rows it changed.
    A driver error is raised as SQLAlchemy's (IntegrityError and the rest), and a lost connection is invalidated, as
    SQLAlchemy does itself."""
    dialect = connection.dialect
    pooled = connection.connection
    cursor = pooled.cursor()
    try:
        (cursor.executemany if many else cursor.execute)(sql, params)
        return Ran(cursor.fetchall() if rows else [], cursor.rowcount)
    except dialect.loaded_dbapi.Error as error:
        lost = dialect.is_disconnect(error, pooled.dbapi_connection, cursor)
        if lost:
            connection.invalidate(error)
        raise DBAPIError.instance(sql, params, error, dialect.loaded_dbapi.Error, connection_invalidated=lost,
                                  dialect=dialect) from error
    finally:
        if not connection.invalidated:
            cursor.close()


def configure_sqlite(engine: Engine) -> None:
    """WAL lets readers work while one writer writes (how its transactions begin: :data:`BEGIN`)."""

    @event.listens_for(engine, "connect")
    def on_connect(connection, _record):
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()


def begin_transactions(engine: Engine) -> None:
    """Each transaction begins as :data:`BEGIN` says for its kind, where its first statement is sent (the drivers
    begin none of their own: see :func:`engine_options`)."""
    @event.listens_for(engine, "begin")
    def on_begin(connection):
        _begin(connection, _transaction_kind())


def _begin(connection, kind: str) -> None:
    """Begin a transaction of ``kind`` on ``connection``, where :data:`BEGIN` says there is one."""
    statement = BEGIN[connection.dialect.name][kind]
    if statement:
        _run(connection, statement, ())


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
        begin_transactions(db.engine)
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
