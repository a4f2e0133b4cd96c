"""Officer, loan-system and customer actions on an application; each one is a decision row and an audit entry.

    approve(desk, reference, actor, reason, payout)   referred (or, by a supervisor, declined) -> approved,
                                                      then disbursed at once to savings (cash: at the branch)
    decline(desk, reference, actor, reason_code, note) never automatic: a person or the loan system
    disburse(desk, reference, actor, payout)          an approved one: the loan, its schedule, the money, the SMS

A customer withdraws through an effect of her USSD or SMS command (gateway/decisions/intake.py).

Roles: officer approves, declines and disburses; supervisor too, and may override a decision already
taken (approve a declined application, decline an approved one not yet disbursed); auditor only reads.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.orm import Session

from gateway.banking.interface import ApplicationStatus, BankUnavailable, Loan
from gateway.banking.loan_desk import ApplicationFile, application_file, set_application_status
from gateway.decisions import cases, notices
from gateway.decisions.cases import Submission
from gateway.decisions.desk import DecisionError, Desk
from gateway.decisions.model import (
    UNDECIDED_STATES,
    Actor,
    CaseState,
    Payout,
    kind_of,
)
from gateway.decisions.reasons import known_reason
from gateway.storage.decision_tables import CaseRow

READ_ROLES = frozenset({"officer", "supervisor", "auditor"})
DECIDE_ROLES = frozenset({"officer", "supervisor", "loan_system", "system"})
OVERRIDE_ROLES = frozenset({"supervisor"})
CASH_PAYOUT_KIND = "cash_payout"
CASH_PAYOUT_TEXT = "banking.tx.cash_payout"
log = logging.getLogger(__name__)


def require(actor: Actor, roles: frozenset[str], what: str) -> None:
    if actor.role not in roles:
        raise DecisionError("forbidden", f"{actor.username} ({actor.role}) may not {what}")


def _locked_case(
    db: Session, reference: str, *, lock: bool = True, opened_at: datetime | None = None
) -> tuple[CaseRow, ApplicationFile]:
    """The case and its application; with `opened_at` (inside a write transaction) a case is opened for an
    application the decisions have not seen yet (filed before them, or before the sweeper's next run)."""
    row = cases.case(db, reference, lock=lock)
    application = application_file(db, reference)
    if row is None and application is not None and opened_at is not None:
        unseen = Submission(reference, application.msisdn, application.lang, "", None, "", opened_at)
        cases.open_case(db, unseen, opened_at)
        row = cases.case(db, reference, lock=lock)
    if row is None or application is None:
        raise DecisionError("not_found", f"no application {reference}")
    return row, application


def approve(desk: Desk, reference: str, actor: Actor, reason: str = "", payout: Payout = Payout.SAVINGS) -> CaseState:
    """Returns the state it leaves: disbursed (savings), or approved (cash, waiting at the branch)."""
    require(actor, DECIDE_ROLES, "approve")
    now = desk.clock()
    with desk.sessions() as db, db.begin():
        row, application = _locked_case(db, reference, opened_at=now)
        state = CaseState(row.state)
        override = state is CaseState.DECLINED
        if override:
            require(actor, OVERRIDE_ROLES, "override a decline")
        elif state not in UNDECIDED_STATES:
            raise DecisionError("conflict", f"application {reference} is {state.value}")
        set_application_status(db, reference, ApplicationStatus.APPROVED, reopen=override)
        cases.move(row, CaseState.APPROVED, now)
        kind = kind_of(actor)
        detail = {"payout": payout.value, "override": override}
        cases.add_decision(db, reference, kind, "approved", actor, now, note=reason, detail=detail)
        desk.audit(db, actor.username, "application.approve", reference, reason, detail, now)
        sms = None
        if payout is Payout.CASH:
            sms = notices.approved_cash(
                db, desk.catalog(), application.msisdn, row.lang, reference, application.amount, now
            )
    desk.send(sms)
    if payout is Payout.SAVINGS:
        try:
            disburse(desk, reference, actor, payout)
        except DecisionError as exc:  # approved all the same: `disburse` again once the cause is fixed
            log.warning("application %s approved but not disbursed: %s", reference, exc.message)
            return CaseState.APPROVED
        return CaseState.DISBURSED
    return CaseState.APPROVED


def decline(desk: Desk, reference: str, actor: Actor, reason_code: str, note: str = "") -> None:
    require(actor, DECIDE_ROLES, "decline")
    catalog = desk.catalog()
    if not known_reason(catalog, reason_code):
        raise DecisionError("bad_request", f"unknown reason code {reason_code!r}")
    now = desk.clock()
    with desk.sessions() as db, db.begin():
        row, application = _locked_case(db, reference, opened_at=now)
        state = CaseState(row.state)
        if state is CaseState.APPROVED:
            require(actor, OVERRIDE_ROLES, "override an approval")
        elif state not in UNDECIDED_STATES:
            raise DecisionError("conflict", f"application {reference} is {state.value}")
        set_application_status(db, reference, ApplicationStatus.REJECTED)
        cases.move(row, CaseState.DECLINED, now)
        kind = kind_of(actor)
        detail = {"override": state is CaseState.APPROVED}
        cases.add_decision(
            db, reference, kind, "declined", actor, now, reason_code=reason_code, note=note, detail=detail
        )
        desk.audit(db, actor.username, "application.decline", reference, f"{reason_code}: {note}".strip(), detail, now)
        scored = cases.last_assessment(db, reference)
        scorecard = (
            [
                c
                for c in (scored.detail or {}).get("reasons", [])
                if catalog.has(catalog.default_lang, f"scoring.reason.{c}")
            ]
            if scored
            else []
        )
        codes = [reason_code, *scorecard]  # the officer's reason first, then the scorecard's (not the policy's)
        sms = notices.declined(db, catalog, application.msisdn, row.lang, reference, codes, now)
    desk.send(sms)


def disburse(desk: Desk, reference: str, actor: Actor, payout: Payout = Payout.SAVINGS) -> Loan:
    """Creates the loan and its schedule from today (the customer's local date), credits savings (and, for a
    cash payout, pays it out at the teller); once per application: a second call returns the same loan."""
    require(actor, DECIDE_ROLES, "disburse")
    now = desk.clock()
    with desk.sessions() as db:
        row, application = _locked_case(db, reference, lock=False)
        if CaseState(row.state) not in (CaseState.APPROVED, CaseState.DISBURSED):
            raise DecisionError("conflict", f"application {reference} is {row.state}, not approved")
    try:
        loan = desk.lender.disburse(reference, now)  # once per application, in the bank's own transaction
        if payout is Payout.CASH:
            desk.lender.post(
                application.msisdn, -loan.principal, CASH_PAYOUT_KIND, CASH_PAYOUT_TEXT, now, f"payout:{reference}"
            )
    except BankUnavailable as exc:
        raise DecisionError("unavailable", f"the bank is unavailable ({type(exc).__name__}); try again") from exc
    except (LookupError, ValueError) as exc:  # e.g. a product no longer offered
        raise DecisionError("conflict", f"{reference} cannot be disbursed: {exc}") from exc
    with desk.sessions() as db, db.begin():
        row, application = _locked_case(db, reference)
        if row.state == CaseState.DISBURSED.value:  # a second call, or a racing one: done once
            return loan
        cases.move(row, CaseState.DISBURSED, now)
        detail = {"payout": payout.value, "loan": loan.reference, "principal": loan.principal}
        cases.add_decision(db, reference, kind_of(actor), "disbursed", actor, now, detail=detail)
        desk.audit(db, actor.username, "application.disburse", reference, "", detail, now)
        product = desk.lender.product(application.product_code)
        name = product.name(row.lang) if product else application.product_code
        cash = payout is Payout.CASH
        sms = notices.disbursed(db, desk.catalog(), application.msisdn, row.lang, reference, name, loan, cash, now)
    desk.send(sms)
    return loan
