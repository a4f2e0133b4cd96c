"""Finding the instalments a rule reminds about on one local day, in bounded batches, through the bank.

The bank (`Bank.due_instalments`) pages unpaid instalments in (customer id, instalment id) order; here
they are cut into batches of at most about `batch_size`, so memory does not grow with the portfolio,
and a borrower's instalments never straddle two batches (two due the same day land in one message).
Instalments already reminded at the rule's offset (the gateway's own `reminders` table) are left out
page by page, so a bank with its own core gets reminders too.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from itertools import groupby

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from gateway.banking.due_records import BorrowerInstalment, DueInstalments, DueQuery
from gateway.reminders.policy import Rule
from gateway.storage.reminder_tables import ReminderRow

DEFAULT_BATCH_SIZE = 2000

Borrower = Sequence[BorrowerInstalment]  # one borrower's instalments due the same day


def built_in_bank(engine: Engine) -> DueInstalments:
    """The built-in ledger on the gateway's own database, for callers not handed a bank."""
    from gateway.banking.ledger import SqlBank

    return SqlBank(engine)


def due_date_for(rule: Rule, local_day: date) -> date:
    return local_day - timedelta(days=rule.offset_days)


def due_batches(
    bank: DueInstalments,
    engine: Engine,
    rule: Rule,
    tz: str,
    local_day: date,
    *,
    unreminded_only: bool = True,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> Iterator[list[Borrower]]:
    """Batches of borrowers (each with 1+ instalments) for `rule` in zone `tz` on its local day.

    The bank reads on connections of its own, so the caller writes each batch in a transaction of its own.
    """
    query = DueQuery(
        due_date_for(rule, local_day),
        tz,
        frozenset(rule.loan_states),
        None if rule.products is None else frozenset(rule.products),
        on=local_day,
    )
    carry: list[BorrowerInstalment] = []
    for page in bank.due_instalments(query, batch_size):
        if unreminded_only:
            page = _unreminded(engine, page, rule.offset_days)
        borrowers = _borrowers(carry + page)
        carry = list(borrowers.pop()) if borrowers else []  # the last borrower may go on in the next page
        if borrowers:
            yield borrowers
    if carry:
        yield [carry]


def _unreminded(engine: Engine, page: list[BorrowerInstalment], offset_days: int) -> list[BorrowerInstalment]:
    if not page:
        return page
    ids = [item.instalment_id for item in page]
    with Session(engine) as db, db.begin():
        reminded = set(
            db.scalars(
                select(ReminderRow.instalment_id).where(
                    ReminderRow.offset_days == offset_days, ReminderRow.instalment_id.in_(ids)
                )
            )
        )
    return [item for item in page if item.instalment_id not in reminded]


def _borrowers(items: list[BorrowerInstalment]) -> list[Borrower]:
    return [list(group) for _, group in groupby(items, key=lambda item: item.customer_id)]
