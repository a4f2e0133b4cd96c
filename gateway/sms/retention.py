"""Message retention: bodies that carry balances, debts or codes do not stay in the database for ever.

`purge_messages` (run by `jembatan data purge` and daily by the scheduler):

- every outbound body (receipts, balances, schedules, reminders: any may carry money) older than
  MESSAGE_RETENTION_DAYS (default 30) is replaced by PURGED_BODY, once the message is settled
  (anything but `pending` / `sending`); the row stays, with its status, for delivery statistics;
- every inbound body older than the same period is replaced too (`BAYAR 500000` names an amount);
- a one-time-code message whose validity has passed is masked in whatever state it is in.

Rows keep their ids, numbers, statuses and times; only the text goes. Running it twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from gateway.sms.outbox import SECRET_PURPOSES, redacted
from gateway.storage.sms_tables import InboundMessageRow, OutboxRow, OutboxStatus

PURGED_BODY = "[purged]"
BATCH = 500
_UNSETTLED = (OutboxStatus.PENDING.value, OutboxStatus.SENDING.value)


def purge_messages(sessions: Callable[[], Session], now: datetime, retention: timedelta) -> dict[str, int]:
    """Returns how many rows changed: `outbound`, `inbound`, `codes`."""
    cutoff = now - retention
    with sessions() as db, db.begin():
        outbound = db.execute(
            update(OutboxRow)
            .where(OutboxRow.created_at < cutoff, OutboxRow.status.not_in(_UNSETTLED), OutboxRow.body != PURGED_BODY)
            .values(body=PURGED_BODY)
            .execution_options(synchronize_session=False)
        )
        inbound = db.execute(
            update(InboundMessageRow)
            .where(InboundMessageRow.received_at < cutoff, InboundMessageRow.body != PURGED_BODY)
            .values(body=PURGED_BODY)
            .execution_options(synchronize_session=False)
        )
        codes = _mask_expired_codes(db, now)
    return {"outbound": _count(outbound), "inbound": _count(inbound), "codes": codes}


def _mask_expired_codes(db: Session, now: datetime) -> int:
    rows = db.execute(
        select(OutboxRow.id, OutboxRow.purpose, OutboxRow.body)
        .where(
            OutboxRow.purpose.in_(sorted(SECRET_PURPOSES)),
            OutboxRow.expires_at < now,
            OutboxRow.status != OutboxStatus.SENDING.value,
        )
        .limit(BATCH * 20)
    ).all()
    changed = 0
    for outbox_id, purpose, body in rows:
        masked = redacted(purpose, body)
        if masked != body:
            db.execute(
                update(OutboxRow)
                .where(OutboxRow.id == outbox_id)
                .values(body=masked)
                .execution_options(synchronize_session=False)
            )
            changed += 1
    return changed


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
