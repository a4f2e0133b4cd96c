"""Send outbox rows: claim each atomically, check its window and its feature's hook, hand it to the provider.

A row is claimed by one worker only (`pending` -> `sending` in one UPDATE), so a duplicate job or a
double enqueue sends nothing twice. What happens after the provider call:

| provider says                         | row becomes                                            |
|---------------------------------------|--------------------------------------------------------|
| accepted                              | `sent` + provider id (callbacks take it further)       |
| TemporaryFailure (429, 5xx, network)  | `pending`, `not_before` = now + backoff; `failed` after `max_attempts` |
| TemporaryFailure(maybe_sent=True)     | stays `sending`: the sweeper asks the provider before resending |
| PermanentFailure (21211, 21610, ...)  | `failed` with the code; 21610 also opts the number out |
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.orm import Session

from gateway.phones import mask_msisdn
from gateway.sms.outbox import redacted, set_opt_out
from gateway.sms.outbox_context import OutboxContext
from gateway.sms.providers import (
    DEFAULT_VALIDITY_PERIOD_S,
    FailureReason,
    PermanentFailure,
    SendResult,
    TemporaryFailure,
)
from gateway.sms.status import mark_sent
from gateway.storage.sms_tables import OutboxRow, OutboxStatus

BACKOFF_S = (30, 120, 600, 1800, 3600)
"""Wait before the next try, by attempts made so far (the last value repeats); Retry-After wins if longer."""

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Claimed:
    id: int
    to: str
    body: str
    key: str
    purpose: str
    attempts: int
    expires_at: datetime | None


def send_batch(ctx: OutboxContext, ids: list[int]) -> dict[str, int]:
    """Send what can be sent among `ids`; returns a tally of outcomes (`sent`, `not_claimed`, ...)."""
    tally: Counter[str] = Counter(send_one(ctx, outbox_id) for outbox_id in ids)
    return dict(tally)


def send_one(ctx: OutboxContext, outbox_id: int) -> str:
    now = ctx.clock()
    with ctx.sessions() as db, db.begin():  # claim, window and hook in one transaction; the send after commit
        row = claim(db, ctx.provider_name, outbox_id, now)
        if row is None:
            return "not_claimed"
        if row.expires_at is not None and row.expires_at <= now:
            _finish(db, row, OutboxStatus.EXPIRED, now)
            return "expired"
        try:
            with db.begin_nested():
                wanted = ctx.hooks.check(row.purpose, db, row.id, now)
        except Exception:
            log.exception("outbox %d: still_wanted hook for %r failed; retrying later", row.id, row.purpose)
            return _retry_later(ctx, db, row, TemporaryFailure("still_wanted hook failed"), now)
        if not wanted:
            _finish(db, row, OutboxStatus.CANCELLED, now)
            return "cancelled"
    return _send(ctx, row, now)


def claim(db: Session, provider_name: str, outbox_id: int, now: datetime) -> Claimed | None:
    """`pending` -> `sending` in one statement; None if another worker has it or it is not due."""
    result = db.execute(
        update(OutboxRow)
        .where(OutboxRow.id == outbox_id, OutboxRow.status == OutboxStatus.PENDING.value,
               OutboxRow.not_before <= now)
        .values(status=OutboxStatus.SENDING.value, claimed_at=now, attempts=OutboxRow.attempts + 1,
                provider=provider_name, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    row = db.get_one(OutboxRow, outbox_id)
    return Claimed(row.id, row.to_msisdn, row.body, row.idempotency_key, row.purpose, row.attempts, row.expires_at)


def _send(ctx: OutboxContext, row: Claimed, now: datetime) -> str:
    validity = DEFAULT_VALIDITY_PERIOD_S
    if row.expires_at is not None:
        validity = max(1, int((row.expires_at - now).total_seconds()))
    try:
        result = ctx.provider.send(row.to, row.body, idempotency_key=row.key, validity_period_s=validity,
                                   status_callback_url=ctx.callback_for(row.id))
    except TemporaryFailure as exc:
        return _temporary(ctx, row, exc, now)
    except PermanentFailure as exc:
        return _permanent(ctx, row, exc, now)
    except Exception:
        log.exception("outbox %d: unexpected error from the provider; retrying later", row.id)
        return _temporary(ctx, row, TemporaryFailure("unexpected error"), now)
    _sent(ctx, row.id, result, now)
    return "sent"


def _sent(ctx: OutboxContext, outbox_id: int, result: SendResult, now: datetime) -> None:
    with ctx.sessions() as db, db.begin():
        mark_sent(db, outbox_id, result, now)


def _temporary(ctx: OutboxContext, row: Claimed, exc: TemporaryFailure, now: datetime) -> str:
    if exc.maybe_sent:
        log.warning("outbox %d to %s: the provider may have it (%s); the sweeper will check", row.id,
                    mask_msisdn(row.to), exc)
        return "maybe_sent"
    with ctx.sessions() as db, db.begin():
        return _retry_later(ctx, db, row, exc, now)


def _retry_later(ctx: OutboxContext, db: Session, row: Claimed, exc: TemporaryFailure, now: datetime) -> str:
    code = str(exc.code or exc.status or "temporary")
    if row.attempts >= ctx.max_attempts:
        _finish(db, row, OutboxStatus.FAILED, now, code)
        return "failed"
    wait_s = max(exc.retry_after_s or 0, BACKOFF_S[min(row.attempts, len(BACKOFF_S)) - 1])
    db.execute(
        update(OutboxRow)
        .where(OutboxRow.id == row.id, OutboxRow.status == OutboxStatus.SENDING.value)
        .values(status=OutboxStatus.PENDING.value, not_before=now + timedelta(seconds=wait_s),
                enqueued_at=None, error_code=code, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    log.info("outbox %d: temporary failure %s, retry in %ds", row.id, code, wait_s)
    return "retry"


def _permanent(ctx: OutboxContext, row: Claimed, exc: PermanentFailure, now: datetime) -> str:
    with ctx.sessions() as db, db.begin():
        _finish(db, row, OutboxStatus.FAILED, now, str(exc.code))
        if exc.reason is FailureReason.OPTED_OUT:
            set_opt_out(db, row.to, True, str(exc.code), now)
    log.warning("outbox %d to %s: permanent failure %s", row.id, mask_msisdn(row.to), exc.reason.value)
    return "failed"


def _finish(db: Session, row: Claimed, status: OutboxStatus, now: datetime, code: str | None = None) -> None:
    """A final state; a one-time code in the body is masked (nothing will send it any more)."""
    values: dict[str, object] = {"status": status.value, "updated_at": now, "body": redacted(row.purpose, row.body)}
    if code is not None:
        values["error_code"] = code
    db.execute(
        update(OutboxRow)
        .where(OutboxRow.id == row.id, OutboxRow.status == OutboxStatus.SENDING.value)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
