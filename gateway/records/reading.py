"""A connection for reads only: on SQLite outside any transaction, so a read takes no write lock.

The gateway's SQLite engine begins every transaction with BEGIN IMMEDIATE (gateway/storage/db.py), which
would make each scoring read wait for, and block, every writer, and end in a commit. PostgreSQL reads in
an ordinary transaction: one snapshot for all the reads of a batch.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine


def read_connection(engine: Engine) -> Connection:
    """Use as `with read_connection(engine) as connection:`."""
    connection = engine.connect()
    if engine.dialect.name == "sqlite":
        return connection.execution_options(isolation_level="AUTOCOMMIT")
    return connection
