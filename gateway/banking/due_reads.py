"""`SqlBank.due_instalments`: the bulk read behind reminders, in bounded pages.

Pages come in (customer id, instalment id) order, so a caller can keep one borrower's instalments
together. PostgreSQL: one query per call, streamed through a server-side cursor (FETCH by `page_size`),
planned for the whole result. Others (SQLite, a single writer): keyset pages, each in a short
transaction, so the caller can write between pages.

Each record carries what is unpaid (less any waiver) and the late fee unpaid on `DueQuery.on`, accrued by
the product's rule as the ledger accrues it (`late_fees.accrued`, part-payments included), so an overdue
reminder names it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import Engine, Row, select, tuple_
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from gateway.banking.due_records import BorrowerInstalment, DueQuery
from gateway.banking.interface import LoanProduct
from gateway.banking.late_fees import accrued
from gateway.storage.ledger_tables import CustomerRow, InstalmentRow, LoanRow

READ_TIMEOUT_MS = 120_000  # one streamed query per rule and zone; the gateway's 2 s default is for hops

DueRow = Row[int, int, int, str, str, str, int, str, int, int, date | None, int]
LateFees = dict[str, LoanProduct]


class DueReads:
    engine: Engine
    products: tuple[LoanProduct, ...]

    def borrower_time_zones(self) -> list[str]:
        with Session(self.engine) as db:
            return sorted(tz for tz in db.scalars(select(CustomerRow.tz).distinct()) if tz)

    def due_instalments(self, query: DueQuery, page_size: int) -> Iterator[list[BorrowerInstalment]]:
        by_code = {product.code: product for product in self.products}
        if self.engine.dialect.name == "postgresql":
            return _streamed(self.engine, query, page_size, by_code)
        return _paged(self.engine, query, page_size, by_code)


def _select(query: DueQuery) -> Select[int, int, int, str, str, str, int, str, int, int, date | None, int]:
    statement = (
        select(
            InstalmentRow.id,
            InstalmentRow.loan_id,
            CustomerRow.id,
            CustomerRow.msisdn,
            CustomerRow.name,
            CustomerRow.lang,
            InstalmentRow.amount - InstalmentRow.paid_amount - InstalmentRow.waived,
            LoanRow.product_code,
            InstalmentRow.amount,
            InstalmentRow.late_fee_charged,
            InstalmentRow.late_fee_through,
            InstalmentRow.late_fee_paid,
        )
        .join(LoanRow, LoanRow.id == InstalmentRow.loan_id)
        .join(CustomerRow, CustomerRow.id == LoanRow.customer_id)
        .where(
            InstalmentRow.due_date == query.due_date,
            InstalmentRow.paid_amount + InstalmentRow.waived < InstalmentRow.amount,
            LoanRow.status.in_(sorted(query.loan_states)),
            CustomerRow.tz == query.tz,
        )
        .order_by(CustomerRow.id, InstalmentRow.id)
    )
    if query.products is not None:
        statement = statement.where(LoanRow.product_code.in_(sorted(query.products)))
    return statement


def _streamed(
    engine: Engine, query: DueQuery, page_size: int, products: LateFees
) -> Iterator[list[BorrowerInstalment]]:
    with engine.connect() as reader:
        reader.exec_driver_sql(f"SET LOCAL statement_timeout = {READ_TIMEOUT_MS}")
        # A cursor is planned for its first rows by default (nested loops in customer order, slow to
        # finish); every row is read here, so plan for the whole result.
        reader.exec_driver_sql("SET LOCAL cursor_tuple_fraction = 1.0")
        result = reader.execution_options(stream_results=True, yield_per=page_size).execute(_select(query))
        for chunk in result.partitions(page_size):
            yield [_record(row, query, products) for row in chunk]


def _paged(engine: Engine, query: DueQuery, page_size: int, products: LateFees) -> Iterator[list[BorrowerInstalment]]:
    base = _select(query)
    after: tuple[int, int] | None = None
    while True:
        statement = base if after is None else base.where(tuple_(CustomerRow.id, InstalmentRow.id) > after)
        with Session(engine) as db, db.begin():
            rows = db.execute(statement.limit(page_size)).all()
        if not rows:
            return
        yield [_record(row, query, products) for row in rows]
        after = (rows[-1][2], rows[-1][0])


def _record(row: DueRow, query: DueQuery, products: LateFees) -> BorrowerInstalment:
    outstanding, amount, charged, through, fee_paid = int(row[6]), int(row[8]), int(row[9]), row[10], int(row[11])
    product = products.get(row[7])
    rule = product.late_fee if product is not None else None
    day = query.on or query.due_date
    fee = max(0, accrued(rule, amount, outstanding, query.due_date, charged, through, day) - fee_paid)
    return BorrowerInstalment(
        row[0], row[1], row[2], row[3], row[4], row[5], query.tz, query.due_date, outstanding, fee
    )
