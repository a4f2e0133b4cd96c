"""Bulk writes for the scan: claim (instalment, offset) keys, write outbox rows, link the two.

`queue_sms_many` keeps `gateway.messaging.outbox.queue_sms`'s contract for many messages at once
(unique idempotency key returns the first row's id; an opted-out number is suppressed unless required
by contract) with one INSERT ... ON CONFLICT DO NOTHING per batch instead of four statements per SMS.
It belongs beside `queue_sms`; tests/integration/test_reminders_scan.py pins the two to the same rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from gateway.gsm7 import segments
from gateway.messaging.models import OutboxRow, OutboxStatus, SmsPreferenceRow
from gateway.reminders.models import ReminderRow

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
    statement = update(_REMINDERS).where(_REMINDERS.c.id == bindparam("rid")).values(outbox_id=bindparam("oid"))
    db.execute(statement, [{"rid": rid, "oid": oid} for rid, oid in sorted(outbox_by_reminder.items())])


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
    statement = (
        _insert(db, _OUTBOX)
        .on_conflict_do_nothing(index_elements=["idempotency_key"])
        .returning(_OUTBOX.c.idempotency_key, _OUTBOX.c.id, _OUTBOX.c.status)
    )
    found = {row[0]: Queued(int(row[1]), str(row[2])) for row in db.execute(statement, rows)}
    missing = [m.key for m in messages if m.key not in found]
    if missing:
        existing = select(OutboxRow.idempotency_key, OutboxRow.id, OutboxRow.status)
        for key, outbox_id, status in db.execute(existing.where(OutboxRow.idempotency_key.in_(missing))):
            found[key] = Queued(outbox_id, status)
    return [found[m.key] for m in messages]
