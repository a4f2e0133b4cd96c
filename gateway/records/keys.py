"""API keys of record sources (a cooperative, a buyer): shown once when issued, stored only as sha256.

A key is 32 random bytes, so a plain sha256 of it is enough (no password hashing needed): nobody can
search a space of 2**256 keys, and checking a key is one indexed lookup.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime

from sqlalchemy import Engine, insert, select, update

from gateway.records.reading import read_connection
from gateway.storage.record_tables import RecordSourceRow

KEY_PREFIX = "jrs_"
KEY_BYTES = 32
MAX_KEY_LENGTH = 100
SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,59}$")


class SourceExists(ValueError):
    pass


def key_digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_key(engine: Engine, source: str, now: datetime, *, replace: bool = False) -> str:
    """A new key for `source` (lower-case letters, digits, `_.-`); `replace` retires its old key."""
    if not SOURCE_NAME.match(source):
        raise ValueError("a source name is 2-60 lower-case letters, digits, '_', '.' or '-'")
    key = KEY_PREFIX + secrets.token_urlsafe(KEY_BYTES)
    with engine.begin() as connection:
        existing = connection.scalar(select(RecordSourceRow.id).where(RecordSourceRow.name == source))
        if existing is not None and not replace:
            raise SourceExists(f"source {source!r} already has a key; give --replace to issue a new one")
        if existing is None:
            connection.execute(insert(RecordSourceRow).values(name=source, key_hash=key_digest(key), created_at=now))
        else:
            connection.execute(
                update(RecordSourceRow)
                .where(RecordSourceRow.id == existing)
                .values(key_hash=key_digest(key), created_at=now, revoked_at=None)
            )
    return key


def revoke(engine: Engine, source: str, now: datetime) -> bool:
    with engine.begin() as connection:
        done = connection.execute(
            update(RecordSourceRow)
            .where(RecordSourceRow.name == source, RecordSourceRow.revoked_at.is_(None))
            .values(revoked_at=now)
        )
    return done.rowcount > 0


def source_for_key(engine: Engine, key: str) -> str | None:
    """The source a presented key belongs to, or None (unknown, revoked or malformed)."""
    if not key.startswith(KEY_PREFIX) or len(key) > MAX_KEY_LENGTH:
        return None
    with read_connection(engine) as connection:
        return connection.scalar(
            select(RecordSourceRow.name).where(
                RecordSourceRow.key_hash == key_digest(key), RecordSourceRow.revoked_at.is_(None)
            )
        )
