"""Finding the instalments a rule reminds about on one local day, in bounded batches.

Rows come ordered by (customer id, instalment id) and are cut into batches of at most about
`batch_size`, so memory does not grow with the portfolio, and a borrower's instalments never
straddle two batches (two due the same day land in one message).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from itertools import groupby

from sqlalchemy import Engine, Row, and_, exists, select, tuple_
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from gateway.reminders.compose import DueInstalment
from gateway.reminders.policy import Rule
from gateway.storage.ledger_tables import CustomerRow, InstalmentRow, LoanRow
from gateway.storage.reminder_tables import ReminderRow

DEFAULT_BATCH_SIZE = 2000
READ_TIMEOUT_MS = 120_000  # one streamed query per rule and zone; the gateway's 2 s default is for hops

Borrower = Sequence[DueInstalment]  # one borrower's instalments due the same day


def time_zones(engine: Engine) -> list[str]:
    with Session(engine) as db:
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
    engine: Engine,
    rule: Rule,
    tz: str,
    local_day: date,
    *,
    unreminded_only: bool = True,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Iterator[list[Borrower]]:
    """Batches of borrowers (each with 1+ instalments) for `rule` in zone `tz` on its local day.

    Reads on connections of its own, so the caller writes each batch in a transaction of its own.
    PostgreSQL: one query per rule and zone, streamed through a server-side cursor (FETCH by
    `batch_size`). Others (SQLite, a single writer): keyset pages, each in a short transaction.
    """
    if engine.dialect.name == "postgresql":
        return _streamed(engine, rule, tz, local_day, unreminded_only, batch_size)
    return _paged(engine, rule, tz, local_day, unreminded_only, batch_size)


def _borrowers(items: list[DueInstalment]) -> list[Borrower]:
    return [list(group) for _, group in groupby(items, key=lambda item: item.customer_id)]


def _streamed(
    engine: Engine, rule: Rule, tz: str, local_day: date, unreminded_only: bool, batch_size: int
) -> Iterator[list[Borrower]]:
    due = due_date_for(rule, local_day)
    with engine.connect() as reader:
        reader.exec_driver_sql(f"SET LOCAL statement_timeout = {READ_TIMEOUT_MS}")
        # A cursor is planned for its first rows by default (nested loops in customer order, slow to
        # finish); every row is read here, so plan for the whole result.
        reader.exec_driver_sql("SET LOCAL cursor_tuple_fraction = 1.0")
        result = reader.execution_options(stream_results=True, yield_per=batch_size).execute(
            _query(rule, tz, due, unreminded_only)
        )
        carry: list[DueInstalment] = []
        for chunk in result.partitions(batch_size):
            borrowers = _borrowers(carry + [_item(row, tz, due) for row in chunk])
            carry = list(borrowers.pop())  # the last borrower may go on in the next chunk
            if borrowers:
                yield borrowers
        if carry:
            yield [carry]


def _paged(
    engine: Engine, rule: Rule, tz: str, local_day: date, unreminded_only: bool, batch_size: int
) -> Iterator[list[Borrower]]:
    due = due_date_for(rule, local_day)
    base = _query(rule, tz, due, unreminded_only)
    after: tuple[int, int] | None = None
    while True:
        query = base if after is None else base.where(tuple_(CustomerRow.id, InstalmentRow.id) > after)
        with Session(engine) as db, db.begin():
            rows = db.execute(query.limit(batch_size)).all()
        if not rows:
            return
        borrowers = _borrowers([_item(row, tz, due) for row in rows])
        if len(rows) == batch_size and len(borrowers) > 1:
            borrowers.pop()  # may continue in the next page: read it whole there
        last = borrowers[-1][-1]
        after = (last.customer_id, last.instalment_id)
        yield borrowers


def _item(row: Row[int, int, int, str, str, str, int], tz: str, due: date) -> DueInstalment:
    return DueInstalment(row[0], row[1], row[2], row[3], row[4], row[5], tz, due, int(row[6]))
