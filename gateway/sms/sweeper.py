"""The outbox sweeper: what no job holds gets a job, and what a dead worker left `sending` gets an answer.

- `requeue_pending`: `pending` rows that are due and were not enqueued in the last ENQUEUE_STALE (a crash
  between commit and enqueue, a retry after backoff, a message scheduled for later) get a send job.
- `resolve_stuck`: rows `sending` for longer than SENDING_STALE (the worker died between claim and send,
  or after the provider accepted, or the provider timed out). The provider is asked whether it has the
  message: if so the row is `sent` with its id, if not it goes back to `pending`. Nothing is sent twice.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta

from sqlalchemy import or_, select, update

from gateway.sms.outbox import enqueue_outbox
from gateway.sms.outbox_context import OutboxContext
from gateway.sms.providers import TemporaryFailure
from gateway.sms.status import mark_sent
from gateway.storage.sms_tables import OutboxRow, OutboxStatus

ENQUEUE_STALE = timedelta(minutes=2)
SENDING_STALE = timedelta(minutes=5)
"""Far longer than a provider call may take (its timeout is seconds), so a live worker is never overtaken."""
LOOKUP_SLACK = timedelta(minutes=2)
"""The provider's clock and ours differ a little: look a bit before the claim."""
SWEEP_LIMIT = 500

log = logging.getLogger(__name__)


def requeue_pending(ctx: OutboxContext) -> int:
    """Enqueue send jobs for due `pending` rows no job holds; returns how many rows."""
    now = ctx.clock()
    with ctx.sessions() as db, db.begin():
        ids = list(
            db.scalars(
                select(OutboxRow.id)
                .where(
                    OutboxRow.status == OutboxStatus.PENDING.value,
                    OutboxRow.not_before <= now,
                    or_(OutboxRow.enqueued_at.is_(None), OutboxRow.enqueued_at < now - ENQUEUE_STALE),
                )
                .order_by(OutboxRow.id)
                .limit(SWEEP_LIMIT)
            )
        )
        if ids:
            db.execute(
                update(OutboxRow)
                .where(OutboxRow.id.in_(ids))
                .values(enqueued_at=now)
                .execution_options(synchronize_session=False)
            )
    enqueue_outbox(ctx.queue, ids)
    return len(ids)


def resolve_stuck(ctx: OutboxContext) -> dict[str, int]:
    """Settle rows left `sending`: `found` (the provider has it), `requeued`, or `unknown` (ask again later)."""
    now = ctx.clock()
    with ctx.sessions() as db:
        stuck = db.execute(
            select(OutboxRow.id, OutboxRow.to_msisdn, OutboxRow.body, OutboxRow.idempotency_key, OutboxRow.claimed_at)
            .where(OutboxRow.status == OutboxStatus.SENDING.value, OutboxRow.claimed_at < now - SENDING_STALE)
            .order_by(OutboxRow.id)
            .limit(SWEEP_LIMIT)
        ).all()
    tally: Counter[str] = Counter()
    requeued: list[int] = []
    for outbox_id, to, body, key, claimed_at in stuck:
        try:
            since = (claimed_at or now) - LOOKUP_SLACK
            found = ctx.provider.find_sent(to, body, idempotency_key=key, since=since)
        except TemporaryFailure as exc:
            log.warning("outbox %d: the provider could not say whether it has the message (%s)", outbox_id, exc)
            tally["unknown"] += 1
            continue
        with ctx.sessions() as db, db.begin():
            if found is not None:
                mark_sent(db, outbox_id, found, now)
                tally["found"] += 1
                continue
            result = db.execute(
                update(OutboxRow)
                .where(
                    OutboxRow.id == outbox_id,
                    OutboxRow.status == OutboxStatus.SENDING.value,
                    OutboxRow.claimed_at == claimed_at,
                )
                .values(status=OutboxStatus.PENDING.value, not_before=now, enqueued_at=now, updated_at=now)
                .execution_options(synchronize_session=False)
            )
        if result.rowcount == 1:  # type: ignore[attr-defined]
            requeued.append(outbox_id)
            tally["requeued"] += 1
    enqueue_outbox(ctx.queue, requeued)
    return dict(tally)
