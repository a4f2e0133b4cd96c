"""The loan-system hand-off's delivery rows: one per application reference, claimed before each attempt.

pending -> (attempt) -> delivered, or pending again with `next_attempt_at` pushed back (exponential backoff,
capped), for ever: an LOS that is down for a day gets every application once it is back. A claim moves
`next_attempt_at` past the attempt's timeout first, so two workers never send one row at once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import Enum

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gateway.storage.decision_tables import LosDeliveryRow

FIRST_RETRY = timedelta(seconds=10)
MAX_RETRY = timedelta(minutes=30)
CLAIM = timedelta(seconds=60)
"""Longer than one attempt (its HTTP timeout); a worker that dies mid-attempt leaves the row to the next."""
ERROR_LENGTH = 200


class DeliveryState(str, Enum):
    PENDING = "pending"
    DELIVERED = "delivered"


def register(db: Session, reference: str, now: datetime) -> None:
    """A delivery for this application, once (a second call finds the first)."""
    if db.scalar(select(LosDeliveryRow.id).where(LosDeliveryRow.reference == reference)) is not None:
        return
    try:
        with db.begin_nested():
            db.add(
                LosDeliveryRow(
                    reference=reference,
                    state=DeliveryState.PENDING.value,
                    attempts=0,
                    next_attempt_at=now,
                    last_error="",
                    created_at=now,
                    delivered_at=None,
                )
            )
    except IntegrityError:  # a racing writer registered it
        pass


def delivery(db: Session, reference: str) -> LosDeliveryRow | None:
    return db.scalar(select(LosDeliveryRow).where(LosDeliveryRow.reference == reference))


def claim(db: Session, reference: str, now: datetime) -> bool:
    """Take this pending, due row for one attempt; False when it is delivered, not due, or another has it."""
    taken = db.execute(
        update(LosDeliveryRow)
        .where(
            LosDeliveryRow.reference == reference,
            LosDeliveryRow.state == DeliveryState.PENDING.value,
            LosDeliveryRow.next_attempt_at <= now,
        )
        .values(next_attempt_at=now + CLAIM, attempts=LosDeliveryRow.attempts + 1)
    )
    return bool(getattr(taken, "rowcount", 0))


def delivered(db: Session, reference: str, now: datetime) -> None:
    db.execute(
        update(LosDeliveryRow)
        .where(LosDeliveryRow.reference == reference)
        .values(state=DeliveryState.DELIVERED.value, delivered_at=now, last_error="")
    )


def failed(db: Session, reference: str, error: str, now: datetime) -> None:
    row = delivery(db, reference)
    if row is None or row.state == DeliveryState.DELIVERED.value:
        return
    row.next_attempt_at = now + backoff(row.attempts)
    row.last_error = error[:ERROR_LENGTH]


def backoff(attempts: int) -> timedelta:
    """10 s, 20 s, 40 s, ... up to 30 minutes."""
    return min(MAX_RETRY, FIRST_RETRY * (2 ** max(0, min(attempts - 1, 20))))


def due(db: Session, now: datetime, limit: int) -> list[str]:
    return list(
        db.scalars(
            select(LosDeliveryRow.reference)
            .where(LosDeliveryRow.state == DeliveryState.PENDING.value, LosDeliveryRow.next_attempt_at <= now)
            .order_by(LosDeliveryRow.next_attempt_at, LosDeliveryRow.id)
            .limit(limit)
        )
    )
