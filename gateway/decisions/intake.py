"""The decisions' effects after commit (gateway/effects.py applies them in its transaction):

loan_application    payload key, reference, channel, lang, consent (true/false/absent),
                    consent_version, answered_at: opens the application's case and stores the consent
                    answer; after commit the scoring job is queued (the decisions sweeper queues any a
                    crash or the SMS path left unqueued).
loan_withdrawal     payload key, reference: the customer withdraws it (until disbursed).
notify_loan_system  payload key, reference: hands the application to the loan origination system
                    (a delivery row, once per reference; gateway/decisions/los.py sends it).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from gateway.banking.interface import ApplicationStatus
from gateway.banking.loan_desk import application_file, set_application_status
from gateway.decisions import cases, los_state
from gateway.decisions.cases import Submission
from gateway.decisions.model import OPEN_STATES, CaseState, DecisionKind, customer_actor
from gateway.phones import mask_msisdn
from gateway.redis_keys import SCORING_QUEUED, SCORING_QUEUED_TTL_S
from gateway.staff import record_audit

APPLICATION = "loan_application"
WITHDRAWAL = "loan_withdrawal"
LOAN_SYSTEM = "notify_loan_system"
KINDS = frozenset({APPLICATION, WITHDRAWAL, LOAN_SYSTEM})

log = logging.getLogger(__name__)


def submission(payload: Mapping[str, Any], to: str, now: datetime) -> Submission:
    consent = payload.get("consent")
    answered = payload.get("answered_at")
    return Submission(
        reference=str(payload["reference"]),
        msisdn=to,
        lang=str(payload.get("lang") or "id")[:8],
        channel=str(payload.get("channel") or "")[:10],
        consent=None if consent is None else bool(consent),
        wording_version=str(payload.get("consent_version") or "")[:40],
        answered_at=datetime.fromisoformat(answered) if isinstance(answered, str) else now,
    )


def write(db: Session, kind: str, payload: Mapping[str, Any], to: str, now: datetime) -> str | None:
    """Apply one effect in the caller's transaction; returns the reference to score after commit, if any."""
    reference = str(payload.get("reference") or "")
    if kind == APPLICATION:
        cases.open_case(db, submission(payload, to, now), now)
        return reference
    if kind == WITHDRAWAL:
        withdraw(db, reference, to, now)
    elif kind == LOAN_SYSTEM:
        los_state.register(db, reference, now)
    return None


def withdraw(db: Session, reference: str, msisdn: str, now: datetime) -> bool:
    """The customer's withdrawal (her handler checked it was hers and open); False when it no longer was."""
    row = cases.case(db, reference, lock=True)
    application = application_file(db, reference)
    if application is None or application.msisdn != msisdn:
        log.warning("withdrawal of %s by %s: not this customer's application", reference, mask_msisdn(msisdn))
        return False
    if row is None:  # withdrawn before its case was opened (the scoring sweeper has not seen it yet)
        row = cases.open_case(db, Submission(reference, msisdn, application.lang, "", None, "", now), now)
    if CaseState(row.state) not in OPEN_STATES:
        log.info("withdrawal of %s by %s: it is %s already", reference, mask_msisdn(msisdn), row.state)
        return False
    actor = customer_actor(msisdn)
    set_application_status(db, reference, ApplicationStatus.WITHDRAWN)
    cases.move(row, CaseState.WITHDRAWN, now)
    cases.add_decision(db, reference, DecisionKind.CUSTOMER, "withdrawn", actor, now)
    record_audit(db, actor.username, "application.withdraw", reference, "customer request", {}, now)
    return True


SCORE_JOB = "gateway.decisions.jobs.score_job"
LOS_JOB = "gateway.decisions.jobs.deliver_job"
SCORING_QUEUE = "scoring"
"""gateway.jobs.queues.SCORING (not imported: gateway.jobs imports every job, and effects import this)."""

JOB_TIMEOUT_S = 120


def enqueue_after_commit(
    connection: Any, effects: Sequence[tuple[str, Mapping[str, Any]]], queue_name: str = SCORING_QUEUE
) -> None:
    """Queue the scoring (or hand-off) job of each applied decisions effect; a failure is left to the
    decisions sweeper (gateway.decisions.jobs.sweep_decisions), which finds what was never scored.

    One scoring job at a time waits in the queue: while `SCORING_QUEUED` is set, a submission's case is left
    to that job, which clears the flag when it starts and then scores every waiting case in batches."""
    from rq import Queue

    queue = Queue(queue_name, connection=connection)
    for kind, payload in effects:
        reference = str(payload.get("reference") or "")
        job = {APPLICATION: SCORE_JOB, LOAN_SYSTEM: LOS_JOB}.get(kind)
        if job is None or not reference:
            continue
        try:
            if job == SCORE_JOB and not connection.set(SCORING_QUEUED, reference, nx=True, ex=SCORING_QUEUED_TTL_S):
                continue
            queue.enqueue(job, reference, job_timeout=JOB_TIMEOUT_S)
        except Exception as exc:  # Redis away: the sweeper queues it within a minute
            log.warning("decisions: %s job for %s not queued (%s)", kind, reference, type(exc).__name__)
