"""A synthetic loan history for the demo, so `jembatan scoring fit` runs on `make run`'s data.

A few thousand past borrowers across the three value chains, each with a year of savings and value-chain
records before their loan, some with an earlier loan, and the loan's outcome: repaid (status `paid`) or
written off. A hidden "reliability" drives deposits, deliveries, punctuality and the outcome alike, so the
records carry signal. Deterministic (one seed), written in bulk, so seeding takes about a second.

History customers have numbers under +62000, which is no Indonesian mobile range: no SMS can reach them,
and every loan of theirs is closed, so reminders and officers never see them. The three demo farmers get
a year of value-chain records too (they apply for real in the demo).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, insert, select

from gateway.records.reading import read_connection
from gateway.scoring.demo_rows import (
    CHAINS,
    HISTORY_PREFIX,
    PRIOR_LOAN_DAYS,
    Borrower,
    application_row,
    borrower,
    customer_row,
    instalment_rows,
    record_rows,
    savings_rows,
)
from gateway.storage.ledger_tables import (
    AccountRow,
    ApplicationRow,
    CustomerRow,
    InstalmentRow,
    LoanRow,
    SavingsTxRow,
)
from gateway.storage.record_tables import ValueChainRecordRow

HISTORY_LOANS = 3000
HISTORY_SEED = 20_260_412
CHUNK = 1000


def _insert_all(connection: Any, table: Any, rows: list[dict[str, Any]], returning: Any = None) -> list[int]:
    ids: list[int] = []
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        if returning is None:
            connection.execute(insert(table), chunk)
        else:
            statement = insert(table).returning(returning, sort_by_parameter_order=True)
            ids += list(connection.scalars(statement, chunk))
    return ids


def _loans(
    rng: random.Random,
    borrowers: list[Borrower],
    customer_ids: list[int],
    app_ids: list[int],
) -> tuple[list[dict[str, Any]], list[tuple[Borrower, bool]]]:
    rows, which = [], []
    apps = iter(app_ids)
    for who, customer_id in zip(borrowers, customer_ids, strict=True):
        for prior in (True, False) if who.prior_loan else (False,):
            status = "written_off" if who.bad and not prior else "paid"
            disbursed = who.as_of - timedelta(days=PRIOR_LOAN_DAYS - 3 if prior else -3)
            rows.append(
                {
                    "application_id": next(apps),
                    "customer_id": customer_id,
                    "product_code": who.chain.product,
                    "principal": who.amount // 2 if prior else who.amount,
                    "status": status,
                    "disbursed_at": disbursed,
                }
            )
            which.append((who, prior))
    return rows, which


def seed_history(engine: Engine, now: datetime, loans: int = HISTORY_LOANS, seed: int = HISTORY_SEED) -> int:
    """Past borrowers and their closed loans, once (nothing when history customers exist); returns loans added."""
    with read_connection(engine) as connection:
        found = select(CustomerRow.id).where(CustomerRow.msisdn.like(f"{HISTORY_PREFIX}%")).limit(1)
        if connection.scalar(found) is not None:
            return 0
    rng = random.Random(seed)
    borrowers = [borrower(rng, number, now) for number in range(loans)]
    with engine.begin() as connection:
        customer_ids = _insert_all(connection, CustomerRow, [customer_row(w) for w in borrowers], CustomerRow.id)
        savings = [savings_rows(rng, who, 0) for who in borrowers]
        accounts = [
            {"number": f"{cid:010d}", "customer_id": cid, "balance": rows[-1]["balance_after"] if rows else 0}
            for cid, rows in zip(customer_ids, savings, strict=True)
        ]
        account_ids = _insert_all(connection, AccountRow, accounts, AccountRow.id)
        moves = [dict(row, account_id=aid) for aid, rows in zip(account_ids, savings, strict=True) for row in rows]
        _insert_all(connection, SavingsTxRow, moves)
        records = [r for who, cid in zip(borrowers, customer_ids, strict=True) for r in record_rows(rng, who, cid, now)]
        _insert_all(connection, ValueChainRecordRow, records)
        apps = [
            application_row(who, cid, prior)
            for who, cid in zip(borrowers, customer_ids, strict=True)
            for prior in ((True, False) if who.prior_loan else (False,))
        ]
        app_ids = _insert_all(connection, ApplicationRow, apps, ApplicationRow.id)
        loan_rows, which = _loans(rng, borrowers, customer_ids, app_ids)
        loan_ids = _insert_all(connection, LoanRow, loan_rows, LoanRow.id)
        dues = []
        for loan_id, row, (who, prior) in zip(loan_ids, loan_rows, which, strict=True):
            start = row["disbursed_at"].astimezone(ZoneInfo(who.tz)).date()
            unpaid = rng.randint(2, 5) if row["status"] == "written_off" else None
            if prior and who.prior_bad:
                late = (0.8, 60)  # repaid, but months late
            else:
                late = ((1 - who.reliability) * (0.6 if prior else 0.35) + (0.4 if unpaid else 0), 20)
            dues += instalment_rows(rng, loan_id, start, row["principal"], late, unpaid, who.tz)
        _insert_all(connection, InstalmentRow, dues)
    return len(loan_rows) - sum(1 for _, prior in which if prior)


def seed_farmer_records(engine: Engine, now: datetime, farmers: list[tuple[str, str]]) -> int:
    """A year of deliveries or sales for each (phone, value chain) farmer, through the importer; returns rows added."""
    from gateway.records.files import RawRow
    from gateway.records.parse import latest_today
    from gateway.records.store import import_rows

    today = latest_today(now) - timedelta(days=1)
    rows: list[RawRow] = []
    for phone, chain_name in farmers:
        chain = next((c for c in CHAINS if c.name == chain_name), None)
        if chain is None:
            continue
        quantity = sum(chain.quantity) // 2
        for step in range(365 // chain.every_days):
            fields = {
                "kind": chain.kind.value,
                "phone": phone,
                "date": (today - timedelta(days=step * chain.every_days)).isoformat(),
                chain.kind.quantity_field: str(quantity),
                "amount": str(quantity * chain.price),
                "buyer": chain.buyer,
            }
            rows.append(RawRow(len(rows) + 1, fields))
    return import_rows(engine, rows, "demo", now, latest_today(now)).added


def seed_scoring_demo(
    engine: Engine, now: datetime, farmers: list[tuple[str, str]], history_loans: int = HISTORY_LOANS
) -> str:
    """The demo's scoring data: the farmers' records and the synthetic history; a line for the operator."""
    records = seed_farmer_records(engine, now, farmers)
    loans = seed_history(engine, now.astimezone(UTC), loans=history_loans)
    return f"scoring demo: {records} value-chain records for the demo farmers, {loans} past loans of synthetic history"
