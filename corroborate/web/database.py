"""Database engine settings: SQLite that behaves under concurrent requests, PostgreSQL as is."""
from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine


def engine_options(url: str) -> dict:
    if url.startswith("sqlite"):
        # wait for a lock rather than fail at once; our own BEGIN (below) replaces pysqlite's implicit one
        return {"connect_args": {"timeout": 30, "isolation_level": None, "check_same_thread": False}}
    return {"pool_pre_ping": True, "pool_size": 10, "max_overflow": 20}


def configure_sqlite(engine: Engine) -> None:
    """WAL lets readers work while one writer writes; BEGIN IMMEDIATE takes the write lock up front, so two
    transactions never deadlock upgrading a read lock (which SQLite would report at once as 'database is locked')."""

    @event.listens_for(engine, "connect")
    def on_connect(connection, _record):
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def init_database(app: Flask) -> None:
    from .extensions import db

    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            configure_sqlite(db.engine)
