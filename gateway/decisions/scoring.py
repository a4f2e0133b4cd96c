"""Score an application and apply the policy: approve within its limit (then disburse to savings), else refer.

Never declines. Repeatable by reference (`jembatan applications rescore REF`): every run is a new decision
row with its feature values, points, reasons and versions; only an undecided application (submitted or
referred) changes state. The scorer runs before the write transaction, so no lock waits on its reads.
"""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from gateway.banking.loan_desk import application_file
from gateway.decisions import cases, los_state, notices
from gateway.decisions.desk import DecisionError, Desk
from gateway.decisions.model import (
    SCORING,
    UNDECIDED_STATES,
    Actor,
    Assessment,
    CaseState,
    DecisionKind,
    PolicyOutcome,
)
from gateway.decisions.service import READ_ROLES, approve, require

APPROVE_NOTE = "within the policy's automatic limit"
log = logging.getLogger(__name__)


def _assess(desk: Desk, reference: str, now: datetime) -> Assessment:
    with desk.sessions() as db:
        application = application_file(db, reference)
        if application is None or cases.case(db, reference) is None:
            raise DecisionError("not_found", f"no application {reference}")
        consent = cases.consented(db, reference)
    assessment = desk.scorer(application, consent, now)
    if not isinstance(assessment.outcome, PolicyOutcome):  # a policy may approve or refer, nothing else
        raise TypeError(f"scorer returned outcome {assessment.outcome!r}")
    return assessment


def score(desk: Desk, reference: str, actor: Actor = SCORING) -> Assessment:
    """Score, store the decision, refer (with its SMS) or approve and disburse; returns the assessment."""
    if actor != SCORING:
        require(actor, READ_ROLES - {"auditor"}, "rescore")
    now = desk.clock()
    assessment = _assess(desk, reference, now)
    sms = None
    with desk.sessions() as db, db.begin():
        row = cases.case(db, reference, lock=True)
        application = application_file(db, reference)
        if row is None or application is None:
            raise DecisionError("not_found", f"no application {reference}")
        undecided = CaseState(row.state) in UNDECIDED_STATES
        cases.add_decision(
            db, reference, DecisionKind.SCORE, assessment.outcome.value, actor, now, assessment=assessment
        )
        if actor != SCORING:
            desk.audit(
                db, actor.username, "application.rescore", reference, "", {"outcome": assessment.outcome.value}, now
            )
        row.scored_at = now
        approve_now = undecided and assessment.outcome is PolicyOutcome.APPROVE
        if undecided and not approve_now and row.state == CaseState.SUBMITTED.value:
            cases.move(row, CaseState.REFERRED, now)
            local = now.astimezone(ZoneInfo(application.tz)).date()
            sms = notices.referred(db, desk.catalog(), application.msisdn, row.lang, reference, now, local)
        if desk.los is not None:
            los_state.register(db, reference, now)
    desk.send(sms)
    log.info("application %s scored: %s (score %s)", reference, assessment.outcome.value, assessment.score)
    if desk.los is not None and desk.jobs is not None:
        desk.jobs("los", reference)
    if approve_now:
        approve(desk, reference, SCORING, APPROVE_NOTE)
    return assessment
