"""Finding the instalments a rule reminds about on one local day, in bounded batches.

Keyset pagination on (customer id, instalment id): every query is bounded by `batch_size`, memory does
not grow with the portfolio, and a borrower's instalments never straddle two batches (so two due the
same day land in one message).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from itertools import groupby

from sqlalchemy import and_, exists, select, tuple_
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from gateway.banking.models import CustomerRow, InstalmentRow, LoanRow
from gateway.reminders.compose import DueInstalment
from gateway.reminders.models import ReminderRow
from gateway.reminders.policy import Rule

DEFAULT_BATCH_SIZE = 2000

Borrower = Sequence[DueInstalment]  # one borrower's instalments due the same day


def time_zones(db: Session) -> list[str]:
    return sorted(tz for tz in db.scalars(select(CustomerRow.tz).distinct()) if tz)


def due_date_for(rule: Rule, local_day: date) -> date:
    return local_day - timedelta(days=rule.offset_days)


def _query(rule: Rule, tz: str, due: date, unreminded_only: bool) -> Select[int, int, int, str, str, str, int]:
    query = (
        select(
            InstalmentRow.id,
            InstalmentRow.loan_id,
            CustomerRow.id,
            CustomerRow.msisdn,
            CustomerRow.name,
            CustomerRow.lang,
            InstalmentRow.amount - InstalmentRow.paid_amount,
        )
        .join(LoanRow, LoanRow.id == InstalmentRow.loan_id)
        .join(CustomerRow, CustomerRow.id == LoanRow.customer_id)
        .where(
            InstalmentRow.due_date == due,
            InstalmentRow.paid_amount < InstalmentRow.amount,
            LoanRow.status.in_(sorted(rule.loan_states)),
            CustomerRow.tz == tz,
        )
        .order_by(CustomerRow.id, InstalmentRow.id)
    )
    if rule.products is not None:
        query = query.where(LoanRow.product_code.in_(sorted(rule.products)))
    if unreminded_only:
        query = query.where(
            ~exists().where(
                and_(ReminderRow.instalment_id == InstalmentRow.id, ReminderRow.offset_days == rule.offset_days)
            )
        )
    return query


def due_batches(
    db: Session,
    rule: Rule,
    tz: str,
    local_day: date,
    *,
    unreminded_only: bool = True,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Iterator[list[Borrower]]:
    """Batches of borrowers (each with 1+ instalments) for `rule` in zone `tz` on its local day.

    The caller may commit between batches: the next query starts after the last borrower seen.
    """
    due = due_date_for(rule, local_day)
    base = _query(rule, tz, due, unreminded_only)
    after: tuple[int, int] | None = None
    while True:
        query = base if after is None else base.where(tuple_(CustomerRow.id, InstalmentRow.id) > after)
        rows = db.execute(query.limit(batch_size)).all()
        if not rows:
            return
        items = [DueInstalment(r[0], r[1], r[2], r[3], r[4], r[5], tz, due, int(r[6])) for r in rows]
        borrowers: list[Borrower] = [list(group) for _, group in groupby(items, key=lambda item: item.customer_id)]
        if len(rows) == batch_size and len(borrowers) > 1:
            borrowers.pop()  # may continue in the next page: read it whole there
        last = borrowers[-1][-1]
        after = (last.customer_id, last.instalment_id)
        yield borrowers
