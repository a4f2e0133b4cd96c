"""The send job's last look: is this reminder still wanted at the moment it would go out?"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime
from enum import Enum
from typing import Protocol

from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from gateway.banking.interface import InstalmentState
from gateway.reminders.policy import REMINDABLE_STATES
from gateway.sms.outbox import is_opted_out
from gateway.storage.reminder_tables import ReminderRow
from gateway.storage.sms_tables import OutboxRow, OutboxStatus, SmsPreferenceRow

UNSENT = (OutboxStatus.PENDING.value, OutboxStatus.SENDING.value)
STOPPED = (OutboxStatus.SUPPRESSED.value, OutboxStatus.CANCELLED.value)


class CancelReason(str, Enum):
    """Stored in `sms_outbox.error_code` beside the final status, so the cause stays visible."""

    PAID = "paid"
    LOAN_CLOSED = "loan_closed"  # written off (or otherwise no longer active)
    OPTED_OUT = "opted_out"


class InstalmentStates(Protocol):
    """The read of `Bank` the last look uses (`Bank.instalment_states`)."""

    def instalment_states(self, instalment_ids: Sequence[int]) -> dict[int, InstalmentState]: ...


@functools.lru_cache(maxsize=8)
def _bank_on(engine: Engine) -> InstalmentStates:
    """The built-in ledger on the outbox's database (the send hooks are called with a session only)."""
    from gateway.banking.ledger import SqlBank

    return SqlBank(engine, products=())


def _links(db: Session, outbox_ids: Sequence[int]) -> defaultdict[int, list[tuple[int, int, str]]]:
    """Per outbox row: (amount, paid, loan status) of each instalment its reminder is for, from the bank."""
    pairs = db.execute(
        select(ReminderRow.outbox_id, ReminderRow.instalment_id).where(ReminderRow.outbox_id.in_(outbox_ids))
    ).all()
    bind = db.get_bind()
    states = _bank_on(bind if isinstance(bind, Engine) else bind.engine).instalment_states(
        [instalment_id for _outbox_id, instalment_id in pairs]
    )
    links: defaultdict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for outbox_id, instalment_id in pairs:
        state = states.get(instalment_id)
        if outbox_id is not None and state is not None:
            links[outbox_id].append((state.amount, state.paid_amount, state.loan_status))
    return links


def cancel_reason(db: Session, outbox_id: int) -> CancelReason | None:
    """Why the reminder in this outbox row should not go out now; None if it should (or is no reminder)."""
    linked = _links(db, [outbox_id])[outbox_id]
    if not linked:
        return None
    outbox = db.get(OutboxRow, outbox_id)
    return _reason(
        linked, lambda: outbox is not None and not outbox.required_by_contract and is_opted_out(db, outbox.to_msisdn)
    )


def _reason(linked: Sequence[tuple[int, int, str]], opted_out: Callable[[], bool]) -> CancelReason | None:
    unpaid = [status for amount, paid, status in linked if paid < amount]
    if not unpaid:
        return CancelReason.PAID
    if not any(status in REMINDABLE_STATES for status in unpaid):
        return CancelReason.LOAN_CLOSED
    return CancelReason.OPTED_OUT if opted_out() else None


def still_wanted(db: Session, outbox_id: int, now: datetime) -> bool:
    """False when every linked instalment was paid or its loan is no longer active (row marked
    `cancelled`), or the borrower opted out and the reminder is not required by contract (`suppressed`);
    the reason goes to `error_code`.

    Rows that are not reminders are always wanted. Call it in the send job's transaction, before the
    provider; the caller commits.
    """
    status = db.scalar(select(OutboxRow.status).where(OutboxRow.id == outbox_id))
    if status is None or status in STOPPED:
        return False
    reason = cancel_reason(db, outbox_id)
    if reason is None:
        return True
    final = OutboxStatus.SUPPRESSED if reason is CancelReason.OPTED_OUT else OutboxStatus.CANCELLED
    db.execute(
        update(OutboxRow)
        .where(OutboxRow.id == outbox_id, OutboxRow.status.in_(UNSENT))
        .values(status=final.value, error_code=reason.value, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return False


def still_wanted_many(db: Session, outbox_ids: list[int], now: datetime) -> set[int]:
    """`still_wanted` for many rows with three queries and one UPDATE per reason; returns the wanted ids."""
    rows = db.execute(
        select(OutboxRow.id, OutboxRow.status, OutboxRow.to_msisdn, OutboxRow.required_by_contract).where(
            OutboxRow.id.in_(outbox_ids)
        )
    ).all()
    links = _links(db, outbox_ids)
    numbers = sorted({to for _id, _status, to, required in rows if not required})
    opted_out = (
        set(
            db.scalars(
                select(SmsPreferenceRow.msisdn).where(
                    SmsPreferenceRow.msisdn.in_(numbers), SmsPreferenceRow.opted_out.is_(True)
                )
            )
        )
        if numbers
        else set()
    )
    wanted: set[int] = set()
    stopped: defaultdict[CancelReason, list[int]] = defaultdict(list)
    for outbox_id, status, to, required in rows:
        if status in STOPPED:
            continue
        out = bool(not required and to in opted_out)
        reason = _reason(links[outbox_id], _constant(out)) if links[outbox_id] else None
        if reason is None:
            wanted.add(outbox_id)
        else:
            stopped[reason].append(outbox_id)
    for reason, ids in stopped.items():
        final = OutboxStatus.SUPPRESSED if reason is CancelReason.OPTED_OUT else OutboxStatus.CANCELLED
        db.execute(
            update(OutboxRow)
            .where(OutboxRow.id.in_(ids), OutboxRow.status.in_(UNSENT))
            .values(status=final.value, error_code=reason.value, updated_at=now)
            .execution_options(synchronize_session=False)
        )
    return wanted


def _constant(value: bool) -> Callable[[], bool]:
    return lambda: value
