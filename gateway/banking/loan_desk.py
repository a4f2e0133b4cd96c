"""The built-in ledger's side of loan decisions (gateway.decisions): read an application with its customer,
and move its status, inside the caller's transaction so a decision and its ledger status commit together.

Disbursement itself stays `SqlBank.disburse` (one transaction, once per application); a cash payout is the
disbursement to savings followed by a teller withdrawal of the same amount, keyed so it happens once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.banking.interface import ApplicationStatus
from gateway.storage.decision_tables import CaseRow
from gateway.storage.ledger_tables import ApplicationRow, CustomerRow

OPEN_STATUSES = frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.APPROVED})
"""An application the customer may still withdraw and an officer may still decide."""


@dataclass(frozen=True)
class ApplicationFile:
    """An application as an officer and the scorer see it: the request and who made it."""

    reference: str
    customer_id: int
    msisdn: str
    name: str
    value_chain: str
    place: str
    lang: str
    tz: str
    product_code: str
    amount: int
    tenor: int
    purpose: str
    status: ApplicationStatus
    submitted_at: datetime


def _file(app: ApplicationRow, customer: CustomerRow) -> ApplicationFile:
    return ApplicationFile(
        app.reference,
        customer.id,
        customer.msisdn,
        customer.name,
        customer.value_chain,
        customer.place,
        customer.lang,
        customer.tz,
        app.product_code,
        app.amount,
        app.tenor,
        app.purpose,
        ApplicationStatus(app.status),
        app.submitted_at,
    )


def application_file(session: Session, reference: str, *, lock: bool = False) -> ApplicationFile | None:
    query = select(ApplicationRow).where(ApplicationRow.reference == reference)
    app = session.scalar(query.with_for_update() if lock else query)
    if app is None:
        return None
    return _file(app, session.get_one(CustomerRow, app.customer_id))


def application_files(session: Session, references: list[str]) -> dict[str, ApplicationFile]:
    """The applications of `references` that exist, in one query (the batched scoring job)."""
    rows = session.execute(
        select(ApplicationRow, CustomerRow)
        .join(CustomerRow, CustomerRow.id == ApplicationRow.customer_id)
        .where(ApplicationRow.reference.in_(references))
    )
    return {app.reference: _file(app, customer) for app, customer in rows}


def open_applications(session: Session, msisdn: str) -> list[ApplicationFile]:
    """The customer's applications not yet disbursed, rejected or withdrawn, newest first."""
    rows = session.execute(
        select(ApplicationRow, CustomerRow)
        .join(CustomerRow, CustomerRow.id == ApplicationRow.customer_id)
        .where(CustomerRow.msisdn == msisdn, ApplicationRow.status.in_([s.value for s in OPEN_STATUSES]))
        .order_by(ApplicationRow.submitted_at.desc(), ApplicationRow.id.desc())
    )
    return [_file(app, customer) for app, customer in rows]


def set_application_status(
    session: Session, reference: str, status: ApplicationStatus, *, reopen: bool = False
) -> ApplicationFile:
    """Move an open application to `status` (approved, rejected, withdrawn); raises LookupError for an
    unknown reference and ValueError when it is no longer open (disbursed, rejected or withdrawn).
    `reopen` also moves a rejected one (a supervisor's override)."""
    app = session.scalar(select(ApplicationRow).where(ApplicationRow.reference == reference).with_for_update())
    if app is None:
        raise LookupError(reference)
    allowed = OPEN_STATUSES | ({ApplicationStatus.REJECTED} if reopen else set())
    if ApplicationStatus(app.status) not in allowed:
        raise ValueError(f"application {reference} is {app.status}")
    app.status = status.value
    session.flush()
    return _file(app, session.get_one(CustomerRow, app.customer_id))


def applications_without_case(session: Session, limit: int) -> list[ApplicationFile]:
    """Submitted applications gateway.decisions has no case for (a channel that does not tell it yet)."""
    rows = session.execute(
        select(ApplicationRow, CustomerRow)
        .join(CustomerRow, CustomerRow.id == ApplicationRow.customer_id)
        .outerjoin(CaseRow, CaseRow.reference == ApplicationRow.reference)
        .where(CaseRow.id.is_(None), ApplicationRow.status == ApplicationStatus.SUBMITTED.value)
        .order_by(ApplicationRow.id)
        .limit(limit)
    )
    return [_file(app, customer) for app, customer in rows]
