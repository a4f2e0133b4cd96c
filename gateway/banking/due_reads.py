"""`SqlBank.due_instalments`: the bulk read behind reminders, in bounded pages.

Pages come in (customer id, instalment id) order, so a caller can keep one borrower's instalments
together. PostgreSQL: one query per call, streamed through a server-side cursor (FETCH by `page_size`),
planned for the whole result. Others (SQLite, a single writer): keyset pages, each in a short
transaction, so the caller can write between pages.

Each record carries the late fee due on `DueQuery.on` by the product's rule (`late_fees.late_fee`), so an
overdue reminder names it.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Engine, Row, select, tuple_
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from gateway.banking.due_records import BorrowerInstalment, DueQuery
from gateway.banking.interface import LoanProduct
from gateway.banking.late_fees import days_late, late_fee
from gateway.storage.ledger_tables import CustomerRow, InstalmentRow, LoanRow

READ_TIMEOUT_MS = 120_000  # one streamed query per rule and zone; the gateway's 2 s default is for hops

DueRow = Row[int, int, int, str, str, str, int, str]
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


def _select(query: DueQuery) -> Select[int, int, int, str, str, str, int, str]:
    statement = (
        select(
            InstalmentRow.id,
            InstalmentRow.loan_id,
            CustomerRow.id,
            CustomerRow.msisdn,
            CustomerRow.name,
            CustomerRow.lang,
            InstalmentRow.amount - InstalmentRow.paid_amount,
            LoanRow.product_code,
        )
        .join(LoanRow, LoanRow.id == InstalmentRow.loan_id)
        .join(CustomerRow, CustomerRow.id == LoanRow.customer_id)
        .where(
            InstalmentRow.due_date == query.due_date,
            InstalmentRow.paid_amount < InstalmentRow.amount,
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
    outstanding = int(row[6])
    product = products.get(row[7])
    late = days_late(query.due_date, query.on) if query.on is not None else 0
    fee = late_fee(product.late_fee, outstanding, late) if product is not None and late else 0
    return BorrowerInstalment(
        row[0], row[1], row[2], row[3], row[4], row[5], query.tz, query.due_date, outstanding, fee
    )
