"""A read model of what scoring looks at, for many customers in a few queries.

Reads the built-in ledger's savings transactions and instalments, the value-chain records and the
inbound SMS log. Only reads: nothing here writes. Features (`features.py`) are computed from these
plain records, so the same code serves one application (the scoring job), ten thousand (the benchmark)
and every past loan (`fit`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import Connection, Engine, select

from gateway.records.reading import read_connection
from gateway.storage.ledger_tables import (
    AccountRow,
    ApplicationRow,
    CustomerRow,
    InstalmentRow,
    LoanRow,
    SavingsTxRow,
)
from gateway.storage.record_tables import ValueChainRecordRow
from gateway.storage.sms_tables import InboundMessageRow

CHUNK = 500  # customers per IN (...) list
DEPOSIT_KIND = "deposit"


@dataclass(frozen=True)
class SavingsMove:
    posted_at: datetime
    amount: int
    kind: str
    balance_after: int


@dataclass(frozen=True)
class PastInstalment:
    loan_id: int
    due_date: date
    amount: int
    paid_amount: int
    paid_at: datetime | None


@dataclass(frozen=True)
class ChainRecord:
    occurred_on: date
    kind: str
    quantity_milli: int
    amount: int


@dataclass(frozen=True)
class CustomerHistory:
    customer_id: int
    tz: str
    value_chain: str = ""
    place: str = ""
    savings: tuple[SavingsMove, ...] = ()
    """Oldest first."""
    instalments: tuple[PastInstalment, ...] = ()
    records: tuple[ChainRecord, ...] = ()
    sms_received: tuple[datetime, ...] = field(default=())


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _customers(connection: Connection, chunk: Sequence[int], into: dict[int, tuple[str, str, str, str]]) -> None:
    query = select(CustomerRow.id, CustomerRow.msisdn, CustomerRow.tz, CustomerRow.value_chain, CustomerRow.place)
    for cid, msisdn, tz, chain, place in connection.execute(query.where(CustomerRow.id.in_(chunk))):
        into[cid] = (msisdn, tz, chain, place)


def _savings(connection: Connection, chunk: Sequence[int], into: dict[int, list[SavingsMove]]) -> None:
    query = (
        select(
            AccountRow.customer_id,
            SavingsTxRow.posted_at,
            SavingsTxRow.amount,
            SavingsTxRow.kind,
            SavingsTxRow.balance_after,
        )
        .join(AccountRow, AccountRow.id == SavingsTxRow.account_id)
        .where(AccountRow.customer_id.in_(chunk))
        .order_by(SavingsTxRow.posted_at, SavingsTxRow.id)
    )
    for cid, posted_at, amount, kind, balance_after in connection.execute(query):
        into[cid].append(SavingsMove(posted_at, amount, kind, balance_after))


def _instalments(connection: Connection, chunk: Sequence[int], into: dict[int, list[PastInstalment]]) -> None:
    query = (
        select(
            LoanRow.customer_id,
            InstalmentRow.loan_id,
            InstalmentRow.due_date,
            InstalmentRow.amount,
            InstalmentRow.paid_amount,
            InstalmentRow.paid_at,
        )
        .join(LoanRow, LoanRow.id == InstalmentRow.loan_id)
        .where(LoanRow.customer_id.in_(chunk))
        .order_by(InstalmentRow.due_date, InstalmentRow.id)
    )
    for cid, loan_id, due, amount, paid, paid_at in connection.execute(query):
        into[cid].append(PastInstalment(loan_id, due, amount, paid, paid_at))


def _records(connection: Connection, chunk: Sequence[int], into: dict[int, list[ChainRecord]]) -> None:
    query = (
        select(
            ValueChainRecordRow.customer_id,
            ValueChainRecordRow.occurred_on,
            ValueChainRecordRow.kind,
            ValueChainRecordRow.quantity_milli,
            ValueChainRecordRow.amount,
        )
        .where(ValueChainRecordRow.customer_id.in_(chunk))
        .order_by(ValueChainRecordRow.occurred_on, ValueChainRecordRow.id)
    )
    for cid, day, kind, quantity, amount in connection.execute(query):
        into[cid].append(ChainRecord(day, kind, quantity, amount))


def _sms(connection: Connection, phones: Sequence[str], since: datetime, into: dict[str, list[datetime]]) -> None:
    query = select(InboundMessageRow.from_msisdn, InboundMessageRow.received_at).where(
        InboundMessageRow.from_msisdn.in_(phones), InboundMessageRow.received_at >= since
    )
    for msisdn, at in connection.execute(query):
        into[msisdn].append(at)


def load_histories(
    engine: Engine, customer_ids: Iterable[int], sms_since: datetime | None = None
) -> dict[int, CustomerHistory]:
    """Every customer's history (unknown ids are left out); SMS only from `sms_since` (None: none read)."""
    ids = sorted(set(customer_ids))
    customers: dict[int, tuple[str, str, str, str]] = {}
    savings: dict[int, list[SavingsMove]] = defaultdict(list)
    instalments: dict[int, list[PastInstalment]] = defaultdict(list)
    records: dict[int, list[ChainRecord]] = defaultdict(list)
    sms: dict[str, list[datetime]] = defaultdict(list)
    with read_connection(engine) as connection:
        for chunk in _chunks(ids):
            _customers(connection, chunk, customers)
            _savings(connection, chunk, savings)
            _instalments(connection, chunk, instalments)
            _records(connection, chunk, records)
            if sms_since is not None:
                _sms(connection, [customers[cid][0] for cid in chunk if cid in customers], sms_since, sms)
    return {
        cid: CustomerHistory(
            cid,
            tz,
            chain,
            place,
            tuple(savings[cid]),
            tuple(instalments[cid]),
            tuple(records[cid]),
            tuple(sorted(sms[msisdn])),
        )
        for cid, (msisdn, tz, chain, place) in customers.items()
    }


@dataclass(frozen=True)
class PastLoan:
    customer_id: int
    applied_at: datetime
    product_code: str
    principal: int
    bad: bool
    """Written off, or an instalment paid (or still unpaid) more than BAD_DAYS_LATE days after its due date."""


BAD_DAYS_LATE = 30
CLOSED_STATUSES = ("paid", "written_off")


def past_loans(engine: Engine) -> list[PastLoan]:
    """Every closed loan with the moment it was applied for and its outcome, oldest first."""
    worst: dict[int, int] = defaultdict(int)
    loans: list[tuple[int, int, datetime, str, int, str]] = []
    with read_connection(engine) as connection:
        query = (
            select(
                LoanRow.id,
                LoanRow.customer_id,
                ApplicationRow.submitted_at,
                LoanRow.product_code,
                LoanRow.principal,
                LoanRow.status,
            )
            .join(ApplicationRow, ApplicationRow.id == LoanRow.application_id)
            .where(LoanRow.status.in_(CLOSED_STATUSES))
            .order_by(ApplicationRow.submitted_at, LoanRow.id)
        )
        loans = [tuple(row) for row in connection.execute(query)]  # type: ignore[misc]
        dues = (
            select(InstalmentRow.loan_id, InstalmentRow.due_date, InstalmentRow.paid_at)
            .join(LoanRow, LoanRow.id == InstalmentRow.loan_id)
            .where(LoanRow.status.in_(CLOSED_STATUSES))
        )
        for loan_id, due, paid_at in connection.execute(dues):
            late = (paid_at.date() - due).days if paid_at is not None else BAD_DAYS_LATE + 1
            worst[loan_id] = max(worst[loan_id], late)
    return [
        PastLoan(cid, at, product, principal, status == "written_off" or worst[loan_id] > BAD_DAYS_LATE)
        for loan_id, cid, at, product, principal, status in loans
    ]


@dataclass(frozen=True)
class DecidedApplication:
    reference: str
    approved: bool
    score: int | None
    value_chain: str
    place: str


APPROVED_STATES = ("approved", "disbursed")
DECIDED_STATES = (*APPROVED_STATES, "declined")


def decided_applications(engine: Engine) -> list[DecidedApplication]:
    """Applications an officer, the policy or the loan system decided (referred or withdrawn ones are not),
    with the score of their latest scoring run (gateway.decisions' tables)."""
    from gateway.storage.decision_tables import CaseRow, DecisionRow

    with read_connection(engine) as connection:
        cases = connection.execute(
            select(CaseRow.reference, CaseRow.state, CustomerRow.value_chain, CustomerRow.place)
            .join(ApplicationRow, ApplicationRow.reference == CaseRow.reference)
            .join(CustomerRow, CustomerRow.id == ApplicationRow.customer_id)
            .where(CaseRow.state.in_(DECIDED_STATES))
            .order_by(CaseRow.reference)
        ).all()
        scores: dict[str, int | None] = {}
        scored = (
            select(DecisionRow.reference, DecisionRow.score)
            .where(DecisionRow.kind == "score", DecisionRow.score.is_not(None))
            .order_by(DecisionRow.created_at, DecisionRow.id)
        )
        for reference, value in connection.execute(scored):
            scores[reference] = value  # the latest run wins
    return [
        DecidedApplication(reference, state in APPROVED_STATES, scores.get(reference), chain, place)
        for reference, state, chain, place in cases
    ]
