"""What the provider says about a message: accepted by a send, found by the sweeper, or a status callback.

Callbacks arrive out of order and more than once: the newest status wins only if it supersedes the one
on the row (`MessageStatus.supersedes`), so `sent` after `delivered` changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import Enum

from sqlalchemy import Table, bindparam, select
from sqlalchemy import update as sql_update
from sqlalchemy.orm import Session

from gateway.sms.inbound import StatusUpdate
from gateway.sms.outbox import redacted
from gateway.sms.providers import MessageStatus, SendResult
from gateway.storage.sms_tables import OutboxRow, OutboxStatus

_OUTBOX_STATUS = {
    MessageStatus.DELIVERED: OutboxStatus.DELIVERED,
    MessageStatus.READ: OutboxStatus.DELIVERED,
    MessageStatus.UNDELIVERED: OutboxStatus.UNDELIVERED,
    MessageStatus.FAILED: OutboxStatus.FAILED,
    MessageStatus.CANCELED: OutboxStatus.FAILED,
}
"""Any other provider status (accepted, queued, sending, sent, ...) means `sent` for the outbox."""
_OUTBOX: Table = OutboxRow.__table__  # type: ignore[assignment]


class StatusOutcome(str, Enum):
    APPLIED = "applied"
    STALE = "stale"  # older than what the row already knows
    UNKNOWN = "unknown"  # no such outbox row
    MISMATCH = "mismatch"  # the row belongs to another provider message


def mark_sent(db: Session, outbox_id: int, result: SendResult, now: datetime) -> bool:
    """Record that the provider has the message; never moves a row back from a later callback's status."""
    row = db.get(OutboxRow, outbox_id, with_for_update=True)
    if row is None:
        return False
    row.provider_id = row.provider_id or result.provider_id
    row.sent_at = row.sent_at or now
    if row.status == OutboxStatus.SENDING.value:
        row.status = OutboxStatus.SENT.value
    _take(row, result.status, None)
    row.body = redacted(row.purpose, row.body)  # once the provider has it, a code is kept masked
    row.updated_at = now
    return True


def mark_sent_many(db: Session, sent: Sequence[tuple[int, str, str, SendResult]], now: datetime) -> None:
    """`mark_sent` for (outbox id, purpose, body, result) of many rows: a locking read and one UPDATE for
    rows still `sending` with nothing recorded (all of them, unless a callback came first); the rest row by row."""
    ids = [outbox_id for outbox_id, _purpose, _body, _result in sent]
    plain = set(
        db.scalars(
            select(OutboxRow.id)
            .where(
                OutboxRow.id.in_(ids),
                OutboxRow.status == OutboxStatus.SENDING.value,
                OutboxRow.provider_status.is_(None),
                OutboxRow.provider_id.is_(None),
            )
            .with_for_update()
        )
    )
    params = [
        {
            "b_id": outbox_id,
            "b_provider_id": result.provider_id,
            "b_status": result.status.value,
            "b_body": redacted(purpose, body),
        }
        for outbox_id, purpose, body, result in sent
        if outbox_id in plain and _OUTBOX_STATUS.get(result.status, OutboxStatus.SENT) is OutboxStatus.SENT
    ]
    if params:
        db.execute(
            sql_update(_OUTBOX)
            .where(_OUTBOX.c.id == bindparam("b_id"))
            .values(
                status=OutboxStatus.SENT.value,
                provider_id=bindparam("b_provider_id"),
                provider_status=bindparam("b_status"),
                body=bindparam("b_body"),
                sent_at=now,
                updated_at=now,
            ),
            params,
        )
    done = {param["b_id"] for param in params}
    for outbox_id, _purpose, _body, result in sent:
        if outbox_id not in done:
            mark_sent(db, outbox_id, result, now)


def apply_status(db: Session, update: StatusUpdate, outbox_id: int | None, now: datetime) -> StatusOutcome:
    """A status callback. `outbox_id` comes from the callback URL (set before the send, so it also works
    when the callback beats the worker's own record of the send); otherwise the provider id finds the row."""
    if outbox_id is not None:
        row = db.get(OutboxRow, outbox_id, with_for_update=True)
    else:
        query = select(OutboxRow).where(OutboxRow.provider_id == update.provider_message_id)
        row = db.scalar(query.with_for_update())
    if row is None:
        return StatusOutcome.UNKNOWN
    if row.provider_id and row.provider_id != update.provider_message_id:
        return StatusOutcome.MISMATCH
    row.provider_id = update.provider_message_id
    if not _take(row, update.status, update.error_code):
        return StatusOutcome.STALE
    row.body = redacted(row.purpose, row.body)  # the provider has it (the sender keeps its own copy)
    row.sent_at = row.sent_at or now
    row.updated_at = now
    return StatusOutcome.APPLIED


def _take(row: OutboxRow, status: MessageStatus, error_code: int | None) -> bool:
    previous = _known(row.provider_status)
    if previous is not None and not status.supersedes(previous):
        return False
    row.provider_status = status.value
    if error_code:
        row.error_code = str(error_code)
    row.status = _OUTBOX_STATUS.get(status, OutboxStatus.SENT).value
    return True


def _known(raw: str | None) -> MessageStatus | None:
    try:
        return MessageStatus(raw) if raw else None
    except ValueError:
        return None
