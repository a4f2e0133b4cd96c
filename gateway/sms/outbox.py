"""The one way every feature sends an SMS: an outbox row in the caller's transaction, sent after commit.

    with Session(engine) as db, db.begin():
        ...business change...
        outbox_id = queue_sms(db, to=msisdn, body=text, purpose="receipt", key=f"receipt:{ref}", now=now)
    enqueue_outbox(queue, [outbox_id])      # after commit: a crash in between loses nothing (the sweeper)

The idempotency key is unique: writing the same message twice returns the first row's id.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gateway.gsm7 import segments
from gateway.storage.sms_tables import OutboxRow, OutboxStatus, SmsPreferenceRow

DEFAULT_VALIDITY = timedelta(hours=4)
QUEUE_NAME = "sms"
BATCH_SIZE = 50
"""Outbox ids per send job: one job per batch, not one per SMS."""
SEND_JOB = "gateway.jobs.send_outbox_batch"
"""By name, so this module does not import the jobs (which import it)."""
SEND_JOB_TIMEOUT_S = 300
JOB_RESULT_TTL_S = 3600
SECRET_PURPOSES = frozenset({"auth_code"})
"""Purposes whose body holds a one-time code: kept masked once the message is sent, suppressed, failed,
expired or cancelled (any state but pending/sending, where the sender still needs it)."""
SECRET_MASK = "******"
_SECRET_DIGITS = re.compile(r"(?<![0-9])[0-9]{4,8}(?![0-9])")


def redacted(purpose: str, body: str) -> str:
    """The body to keep at rest: codes masked for SECRET_PURPOSES, unchanged otherwise."""
    return _SECRET_DIGITS.sub(SECRET_MASK, body) if purpose in SECRET_PURPOSES else body


class JobQueue(Protocol):
    """An RQ `Queue` (tests and the benchmark pass a real one)."""

    def enqueue(self, f: Any, *args: Any, **kwargs: Any) -> Any: ...


def queue_sms(
    db: Session,
    *,
    to: str,
    body: str,
    purpose: str,
    key: str,
    now: datetime,
    not_before: datetime | None = None,
    expires_at: datetime | None = None,
    required_by_contract: bool = False,
) -> int:
    """Write (or find) the outbox row for this message; returns its id. Suppressed when opted out."""
    existing = db.scalar(select(OutboxRow.id).where(OutboxRow.idempotency_key == key))
    if existing is not None:
        return existing
    start = not_before or now
    status = OutboxStatus.PENDING
    if not required_by_contract and is_opted_out(db, to):
        status = OutboxStatus.SUPPRESSED
    # A row due now is assumed enqueued by the caller after commit; the sweeper covers a crash in between.
    if status is OutboxStatus.SUPPRESSED:
        body = redacted(purpose, body)  # never sent: nothing needs the code
    row = OutboxRow(
        idempotency_key=key,
        to_msisdn=to,
        body=body,
        purpose=purpose,
        required_by_contract=required_by_contract,
        segments=segments(body),
        status=status.value,
        created_at=now,
        not_before=start,
        expires_at=expires_at or start + DEFAULT_VALIDITY,
        enqueued_at=now if start <= now else None,
        updated_at=now,
        attempts=0,
    )
    try:
        with db.begin_nested():
            db.add(row)
            db.flush()
    except IntegrityError:
        found = db.scalar(select(OutboxRow.id).where(OutboxRow.idempotency_key == key))
        if found is None:
            raise
        return found
    return row.id


def is_opted_out(db: Session, msisdn: str) -> bool:
    return bool(db.scalar(select(SmsPreferenceRow.opted_out).where(SmsPreferenceRow.msisdn == msisdn)))


def set_opt_out(db: Session, msisdn: str, opted_out: bool, keyword: str, now: datetime) -> None:
    row = db.get(SmsPreferenceRow, msisdn)
    if row is None:
        db.add(SmsPreferenceRow(msisdn=msisdn, opted_out=opted_out, keyword=keyword[:20], changed_at=now))
    else:
        row.opted_out, row.keyword, row.changed_at = opted_out, keyword[:20], now


def enqueue_outbox(queue: JobQueue, ids: Iterable[int], *, batch_size: int = BATCH_SIZE) -> int:
    """Queue send jobs for these outbox rows, after the transaction that wrote them has committed.
    Returns the number of jobs. Enqueueing a row twice is harmless: a row is claimed by one job only."""
    unique = sorted(set(ids))
    for start in range(0, len(unique), batch_size):
        queue.enqueue(
            SEND_JOB,
            unique[start : start + batch_size],
            job_timeout=SEND_JOB_TIMEOUT_S,
            result_ttl=JOB_RESULT_TTL_S,
            failure_ttl=JOB_RESULT_TTL_S,
        )
    return -(-len(unique) // batch_size)
