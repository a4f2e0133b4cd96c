"""Send outbox rows: claim them atomically, check each window and feature hook, hand them to the provider.

A row is claimed by one worker only (`pending` -> `sending` in one UPDATE), so a duplicate job or a
double enqueue sends nothing twice. What happens after the provider call:

| provider says                         | row becomes                                            |
|---------------------------------------|--------------------------------------------------------|
| accepted                              | `sent` + provider id (callbacks take it further)       |
| TemporaryFailure (429, 5xx, network)  | `pending`, `not_before` = now + backoff; `failed` after `max_attempts` |
| TemporaryFailure(maybe_sent=True)     | stays `sending`: the sweeper asks the provider before resending |
| PermanentFailure (21211, 21610, ...)  | `failed` with the code; 21610 also opts the number out |

A job's ids go in chunks (`SendLanes.chunk_size`, sized to the provider's rate): one transaction claims
a chunk and runs its windows and hooks; the context's lanes send it (N threads, one rate limiter; a 429
pauses every thread for its Retry-After); one transaction records every accepted message. Failures are
rare and recorded one by one.
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
from gateway.sms.status import mark_sent_many
from gateway.storage.sms_tables import OutboxRow, OutboxStatus

BACKOFF_S = (30, 120, 600, 1800, 3600)
"""Wait before the next try, by attempts made so far (the last value repeats); Retry-After wins if longer."""
TOO_MANY_REQUESTS = 429
DEFAULT_PAUSE_S = 1.0
"""How long every sending thread pauses after a 429 without a Retry-After."""

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


SendOutcome = SendResult | TemporaryFailure | PermanentFailure | None
"""What the provider said; None: no token from the rate limiter in time (nothing was sent)."""


def send_batch(ctx: OutboxContext, ids: list[int]) -> dict[str, int]:
    """Send what can be sent among `ids`; returns a tally of outcomes (`sent`, `not_claimed`, ...)."""
    unique = sorted(set(ids))
    size = ctx.lanes.chunk_size
    tally: Counter[str] = Counter()
    for start in range(0, len(unique), size):
        tally.update(_send_chunk(ctx, unique[start : start + size]))
    return dict(tally)


def send_one(ctx: OutboxContext, outbox_id: int) -> str:
    (outcome,) = _send_chunk(ctx, [outbox_id]).elements()
    return outcome


def claim(db: Session, provider_name: str, outbox_id: int, now: datetime) -> Claimed | None:
    """`pending` -> `sending` in one statement; None if another worker has it or it is not due."""
    claimed = claim_many(db, provider_name, [outbox_id], now)
    return claimed[0] if claimed else None


def claim_many(db: Session, provider_name: str, ids: list[int], now: datetime) -> list[Claimed]:
    """The rows among `ids` that are due and `pending`, now `sending` for this worker, in id order."""
    found = db.execute(
        update(OutboxRow)
        .where(OutboxRow.id.in_(ids), OutboxRow.status == OutboxStatus.PENDING.value, OutboxRow.not_before <= now)
        .values(
            status=OutboxStatus.SENDING.value,
            claimed_at=now,
            attempts=OutboxRow.attempts + 1,
            provider=provider_name,
            updated_at=now,
        )
        .returning(
            OutboxRow.id,
            OutboxRow.to_msisdn,
            OutboxRow.body,
            OutboxRow.idempotency_key,
            OutboxRow.purpose,
            OutboxRow.attempts,
            OutboxRow.expires_at,
        )
        .execution_options(synchronize_session=False)
    ).all()
    return sorted((Claimed(*row) for row in found), key=lambda row: row.id)


def _send_chunk(ctx: OutboxContext, ids: list[int]) -> Counter[str]:
    now = ctx.clock()
    tally: Counter[str] = Counter()
    with ctx.sessions() as db, db.begin():  # claim, window and hook in one transaction; the sends after commit
        claimed = claim_many(db, ctx.provider_name, ids, now)
        tally["not_claimed"] += len(ids) - len(claimed)
        ready = _in_window(db, claimed, now, tally)
        wanted = _still_wanted(ctx, db, ready, now, tally)
    if not tally["not_claimed"]:
        del tally["not_claimed"]
    outcomes = ctx.lanes.map(lambda row: _call(ctx, row, now), wanted)
    sent = [(row, outcome) for row, outcome in zip(wanted, outcomes, strict=True) if isinstance(outcome, SendResult)]
    if sent:
        with ctx.sessions() as db, db.begin():
            mark_sent_many(db, [(row.id, row.purpose, row.body, result) for row, result in sent], now)
        tally["sent"] += len(sent)
    for row, outcome in zip(wanted, outcomes, strict=True):
        if not isinstance(outcome, SendResult):
            tally[_failed(ctx, row, outcome, now)] += 1
    return tally


def _in_window(db: Session, claimed: list[Claimed], now: datetime, tally: Counter[str]) -> list[Claimed]:
    ready: list[Claimed] = []
    for row in claimed:
        if row.expires_at is not None and row.expires_at <= now:
            _finish(db, row, OutboxStatus.EXPIRED, now)
            tally["expired"] += 1
        else:
            ready.append(row)
    return ready


def _still_wanted(
    ctx: OutboxContext, db: Session, rows: list[Claimed], now: datetime, tally: Counter[str]
) -> list[Claimed]:
    """Each purpose's hook over its rows at once; a hook that fails puts its rows back for later."""
    wanted: list[Claimed] = []
    for purpose in sorted({row.purpose for row in rows}):
        mine = [row for row in rows if row.purpose == purpose]
        try:
            with db.begin_nested():
                keep = ctx.hooks.wanted(purpose, db, [row.id for row in mine], now)
        except Exception:
            log.exception("outbox: still_wanted hook for %r failed; %d rows retried later", purpose, len(mine))
            for row in mine:
                tally[_retry_later(ctx, db, row, TemporaryFailure("still_wanted hook failed"), now)] += 1
            continue
        for row in mine:
            if row.id in keep:
                wanted.append(row)
            else:
                _finish(db, row, OutboxStatus.CANCELLED, now)
                tally["cancelled"] += 1
    return sorted(wanted, key=lambda row: row.id)


def _call(ctx: OutboxContext, row: Claimed, now: datetime) -> SendOutcome:
    """In a sending thread: one token, one provider call. Never raises."""
    if not ctx.lanes.limiter.acquire():
        return None
    validity = DEFAULT_VALIDITY_PERIOD_S
    if row.expires_at is not None:
        validity = max(1, int((row.expires_at - now).total_seconds()))
    try:
        return ctx.provider.send(
            row.to,
            row.body,
            idempotency_key=row.key,
            validity_period_s=validity,
            status_callback_url=ctx.callback_for(row.id),
        )
    except TemporaryFailure as exc:
        if exc.status == TOO_MANY_REQUESTS:
            ctx.lanes.limiter.hold(exc.retry_after_s or DEFAULT_PAUSE_S)
        return exc
    except PermanentFailure as exc:
        return exc
    except Exception:
        log.exception("outbox %d: unexpected error from the provider; retrying later", row.id)
        return TemporaryFailure("unexpected error")


def _failed(ctx: OutboxContext, row: Claimed, outcome: SendOutcome, now: datetime) -> str:
    if outcome is None:
        with ctx.sessions() as db, db.begin():
            _release(db, row, now)
        return "deferred"
    if isinstance(outcome, PermanentFailure):
        return _permanent(ctx, row, outcome, now)
    assert isinstance(outcome, TemporaryFailure)
    return _temporary(ctx, row, outcome, now)


def _release(db: Session, row: Claimed, now: datetime) -> None:
    """Back to `pending`, the attempt not counted: the rate limiter had no token for it in time."""
    db.execute(
        update(OutboxRow)
        .where(OutboxRow.id == row.id, OutboxRow.status == OutboxStatus.SENDING.value)
        .values(status=OutboxStatus.PENDING.value, attempts=OutboxRow.attempts - 1, enqueued_at=None, updated_at=now)
        .execution_options(synchronize_session=False)
    )


def _temporary(ctx: OutboxContext, row: Claimed, exc: TemporaryFailure, now: datetime) -> str:
    if exc.maybe_sent:
        log.warning(
            "outbox %d to %s: the provider may have it (%s); the sweeper will check", row.id, mask_msisdn(row.to), exc
        )
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
        .values(
            status=OutboxStatus.PENDING.value,
            not_before=now + timedelta(seconds=wait_s),
            enqueued_at=None,
            error_code=code,
            updated_at=now,
        )
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
