"""Releases in the database, by hash, and the current-release pointer as a history of who made what current.

The pointer is the newest row of `menu_release_events`: reading it is one indexed row, cheap enough
for every process to poll every couple of seconds (never on each hop).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from gateway.releases.content import Release
from gateway.storage.release_tables import NAME_LENGTH
from gateway.storage.release_tables import menu_release_events as events
from gateway.storage.release_tables import menu_releases as releases

PUBLISH, ROLLBACK, FILES, FIRST_START = "publish", "rollback", "files", "first start"
"""Actions in the history: `jembatan menus publish`, `rollback`, an edited file in development, a first start."""


class StoreError(RuntimeError):
    """The release store cannot be read or written (database down, or not migrated)."""


@dataclass(frozen=True)
class Event:
    id: int
    hash: str
    action: str
    made_at: datetime
    made_by: str
    note: str
    summary: str


def utc_now() -> datetime:
    return datetime.now(UTC)


class ReleaseStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def _reading(self) -> Iterator[Connection]:
        """One read outside any transaction: no write lock on SQLite."""
        try:
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                yield connection
        except SQLAlchemyError as exc:
            raise StoreError(_cause(exc)) from exc

    def put(self, release: Release, by: str, note: str = "", now: datetime | None = None) -> bool:
        """Keep a release; False when it was kept already (a release never changes: same hash, same files)."""
        row = {
            "hash": release.hash,
            "content": release.to_json(),
            "created_at": now or utc_now(),
            "created_by": by[:NAME_LENGTH],
            "note": note,
        }
        try:
            with self.engine.begin() as connection:
                if connection.execute(sa.select(releases.c.hash).where(releases.c.hash == row["hash"])).first():
                    return False
                connection.execute(releases.insert().values(**row))
            return True
        except IntegrityError:  # another process kept the same release a moment earlier
            return False
        except SQLAlchemyError as exc:
            raise StoreError(_cause(exc)) from exc

    def get(self, release_hash: str) -> Release | None:
        with self._reading() as connection:
            content = connection.execute(sa.select(releases.c.content).where(releases.c.hash == release_hash)).scalar()
        return None if content is None else Release.from_json(content)

    def resolve(self, prefix: str) -> list[str]:
        """The stored hashes that start with `prefix` (an operator types a few characters)."""
        with self._reading() as connection:
            return list(
                connection.execute(
                    sa.select(releases.c.hash).where(releases.c.hash.startswith(prefix, autoescape=True)).limit(10)
                ).scalars()
            )

    def current(self) -> str | None:
        with self._reading() as connection:
            found: str | None = connection.execute(
                sa.select(events.c.hash).order_by(events.c.id.desc()).limit(1)
            ).scalar()
            return found

    def make_current(
        self, release_hash: str, action: str, by: str, note: str = "", summary: str = "", now: datetime | None = None
    ) -> None:
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    events.insert().values(
                        hash=release_hash,
                        action=action,
                        made_at=now or utc_now(),
                        made_by=by[:NAME_LENGTH],
                        note=note,
                        summary=summary,
                    )
                )
        except SQLAlchemyError as exc:
            raise StoreError(_cause(exc)) from exc

    def history(self, limit: int = 20) -> list[Event]:
        """Newest first; the first is the current release."""
        with self._reading() as connection:
            rows = connection.execute(sa.select(events).order_by(events.c.id.desc()).limit(limit)).all()
        return [Event(row.id, row.hash, row.action, row.made_at, row.made_by, row.note, row.summary) for row in rows]


def _cause(exc: SQLAlchemyError) -> str:
    """What failed, without the statement and its parameters."""
    orig = getattr(exc, "orig", None)
    return f"{type(orig or exc).__name__}: {str(orig or exc).splitlines()[0][:200]}"
