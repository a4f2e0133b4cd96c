"""Bulk writes for the scan: claim (instalment, offset) keys, write outbox rows, link the two.

`queue_sms_many` keeps `gateway.sms.outbox.queue_sms`'s contract for many messages at once
(unique idempotency key returns the first row's id; an opted-out number is suppressed unless required
by contract) with one INSERT ... ON CONFLICT DO NOTHING per batch instead of four statements per SMS.
It belongs beside `queue_sms`; tests/integration/test_reminders_scan.py pins the two to the same rows.

PostgreSQL gets each batch as a few arrays (`unnest`): one short statement whatever the batch size,
instead of a multi-row VALUES list that the driver must parse anew for every batch (half the scan's
time at a million loans). Other databases (SQLite) use SQLAlchemy's `on_conflict_do_nothing()`.
Both paths insert in the order given, so concurrent scanners take row locks in the same order.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from gateway.gsm7 import segments
from gateway.storage.reminder_tables import ReminderRow
from gateway.storage.sms_tables import OutboxRow, OutboxStatus, SmsPreferenceRow

_OUTBOX: Table = OutboxRow.__table__  # type: ignore[assignment]
_REMINDERS: Table = ReminderRow.__table__  # type: ignore[assignment]


@dataclass(frozen=True)
class Outgoing:
    key: str
    to: str
    body: str
    not_before: datetime
    expires_at: datetime
    required_by_contract: bool = False


@dataclass(frozen=True)
class Queued:
    outbox_id: int
    status: str


_PG_CLAIM = text(f"""
    INSERT INTO {_REMINDERS.name} (instalment_id, offset_days, created_at)
    SELECT t.instalment_id, :offset_days, :now
    FROM unnest(CAST(:ids AS integer[])) WITH ORDINALITY AS t(instalment_id, n) ORDER BY t.n
    ON CONFLICT (instalment_id, offset_days) DO NOTHING
    RETURNING instalment_id, id""")
_PG_LINK = text(f"""
    UPDATE {_REMINDERS.name} AS r SET outbox_id = v.outbox_id
    FROM unnest(CAST(:reminder_ids AS bigint[]), CAST(:outbox_ids AS integer[])) AS v(reminder_id, outbox_id)
    WHERE r.id = v.reminder_id""")
_PG_OUTBOX = text(f"""
    INSERT INTO {_OUTBOX.name} (idempotency_key, to_msisdn, body, purpose, required_by_contract, segments, status,
                                provider, attempts, created_at, not_before, expires_at, updated_at)
    SELECT t.key, t.to_msisdn, t.body, :purpose, t.required, t.segments, t.status, '', 0, :now,
           t.not_before, t.expires_at, :now
    FROM unnest(CAST(:keys AS text[]), CAST(:tos AS text[]), CAST(:bodies AS text[]), CAST(:required AS boolean[]),
                CAST(:segments AS integer[]), CAST(:statuses AS text[]), CAST(:not_befores AS timestamptz[]),
                CAST(:expires AS timestamptz[]))
         WITH ORDINALITY AS t(key, to_msisdn, body, required, segments, status, not_before, expires_at, n)
    ORDER BY t.n
    ON CONFLICT (idempotency_key) DO NOTHING
    RETURNING idempotency_key, id, status""")


def _postgres(db: Session) -> bool:
    return db.get_bind().dialect.name == "postgresql"


def _insert(db: Session, table: Table) -> Any:
    name = db.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"no INSERT ... ON CONFLICT DO NOTHING for {name}")


def claim(db: Session, instalment_ids: Sequence[int], offset_days: int, now: datetime) -> dict[int, int]:
    """Insert the reminder rows; returns {instalment id: reminder id} for those this transaction wrote.

    Rows another scan wrote first are left alone (the database's unique key decides, not a prior read).
    """
    if not instalment_ids:
        return {}
    if _postgres(db):
        found = db.execute(_PG_CLAIM, {"ids": sorted(instalment_ids), "offset_days": offset_days, "now": now})
        return {int(row[0]): int(row[1]) for row in found}
    statement = (
        _insert(db, _REMINDERS)
        .on_conflict_do_nothing(index_elements=["instalment_id", "offset_days"])
        .returning(_REMINDERS.c.instalment_id, _REMINDERS.c.id)
    )
    params = [{"instalment_id": i, "offset_days": offset_days, "created_at": now} for i in sorted(instalment_ids)]
    return {int(row[0]): int(row[1]) for row in db.execute(statement, params)}


def link(db: Session, outbox_by_reminder: Mapping[int, int]) -> None:
    if not outbox_by_reminder:
        return
    pairs = sorted(outbox_by_reminder.items())
    if _postgres(db):
        db.execute(_PG_LINK, {"reminder_ids": [r for r, _ in pairs], "outbox_ids": [o for _, o in pairs]})
        return
    statement = update(_REMINDERS).where(_REMINDERS.c.id == bindparam("rid")).values(outbox_id=bindparam("oid"))
    db.execute(statement, [{"rid": rid, "oid": oid} for rid, oid in pairs])


def queue_sms_many(db: Session, messages: Sequence[Outgoing], *, purpose: str, now: datetime) -> list[Queued]:
    """Outbox rows for `messages` in the caller's transaction, in order; existing keys give their row."""
    if not messages:
        return []
    opted_out = set(
        db.scalars(
            select(SmsPreferenceRow.msisdn).where(
                SmsPreferenceRow.msisdn.in_(sorted({m.to for m in messages if not m.required_by_contract})),
                SmsPreferenceRow.opted_out.is_(True),
            )
        )
    )
    rows = [
        {
            "idempotency_key": m.key,
            "to_msisdn": m.to,
            "body": m.body,
            "purpose": purpose,
            "required_by_contract": m.required_by_contract,
            "segments": segments(m.body),
            "status": (OutboxStatus.SUPPRESSED if m.to in opted_out else OutboxStatus.PENDING).value,
            "provider": "",
            "attempts": 0,
            "created_at": now,
            "not_before": m.not_before,
            "expires_at": m.expires_at,
            "updated_at": now,
        }
        for m in messages
    ]
    found = {row[0]: Queued(int(row[1]), str(row[2])) for row in _insert_outbox(db, rows, purpose, now)}
    missing = [m.key for m in messages if m.key not in found]
    if missing:
        existing = select(OutboxRow.idempotency_key, OutboxRow.id, OutboxRow.status)
        for key, outbox_id, status in db.execute(existing.where(OutboxRow.idempotency_key.in_(missing))):
            found[key] = Queued(outbox_id, status)
    return [found[m.key] for m in messages]


def _insert_outbox(db: Session, rows: list[dict[str, Any]], purpose: str, now: datetime) -> Any:
    if _postgres(db):
        columns = {
            "keys": "idempotency_key", "tos": "to_msisdn", "bodies": "body", "required": "required_by_contract",
            "segments": "segments", "statuses": "status", "not_befores": "not_before", "expires": "expires_at",
        }  # fmt: skip
        arrays: dict[str, Any] = {name: [row[column] for row in rows] for name, column in columns.items()}
        return db.execute(_PG_OUTBOX, arrays | {"purpose": purpose, "now": now})
    statement = (
        _insert(db, _OUTBOX)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(_OUTBOX.c.idempotency_key, _OUTBOX.c.id, _OUTBOX.c.status)
    )
    return db.execute(statement, rows)
