"""Database engines with bounded waits: nothing a USSD hop does may hang on the database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url

DEFAULT_URL = "sqlite:///jembatan.db"
CONNECT_TIMEOUT_SECONDS = 1
STATEMENT_TIMEOUT_MS = 2000
LOCK_TIMEOUT_MS = 2000
SQLITE_BUSY_TIMEOUT_SECONDS = 2.0


def _sqlite_engine(url: str) -> Engine:
    database_file = make_url(url).database not in (None, "", ":memory:")
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        if database_file:
            cursor.execute("PRAGMA journal_mode = WAL")  # readers never wait for the writer
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get("isolation_level") == "AUTOCOMMIT":
            return  # a lone read (Store.reading): no transaction, no lock
        # Take the write lock at BEGIN: a deferred transaction that later upgrades to writing fails
        # at once with "database is locked" instead of waiting for the busy timeout.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def make_engine(url: str = DEFAULT_URL, *, search_path: str | None = None) -> Engine:
    """SQLite (`sqlite:///file.db`) or PostgreSQL (`postgresql+psycopg://user@host/db`).

    `search_path` puts every PostgreSQL connection in that schema (tests use one schema each).
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    options = f"-c statement_timeout={STATEMENT_TIMEOUT_MS} -c lock_timeout={LOCK_TIMEOUT_MS}"
    if search_path:
        options += f" -c search_path={search_path}"
    return create_engine(
        parsed,
        pool_pre_ping=True,
        connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS, "options": options},
    )
