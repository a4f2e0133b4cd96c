"""Score an application and apply the policy: approve within its limit (then disburse to savings), else refer.

Never declines. Repeatable by reference (`jembatan applications rescore REF`): every run is a new decision
row with its feature values, points, reasons and versions; only an undecided application (submitted or
referred) changes state. The scorer runs before the write transaction, so no lock waits on its reads.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from gateway.banking.loan_desk import ApplicationFile, application_file, application_files
from gateway.decisions import cases, los_state, notices
from gateway.decisions.desk import DecisionError, Desk
from gateway.decisions.model import (
    SCORING,
    UNDECIDED_STATES,
    Actor,
    Assessment,
    BatchScorer,
    CaseState,
    DecisionKind,
    PolicyOutcome,
)
from gateway.decisions.service import READ_ROLES, approve, require
from gateway.storage.decision_tables import CaseRow

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
    with desk.sessions() as db, db.begin():
        row = cases.case(db, reference, lock=True)
        application = application_file(db, reference)
        if row is None or application is None:
            raise DecisionError("not_found", f"no application {reference}")
        sms, approve_now = _record(desk, db, row, application, assessment, actor, now)
    _after_commit(desk, [sms], {reference: assessment}, [reference] if approve_now else [])
    return assessment


def score_waiting(desk: Desk, references: Sequence[str]) -> dict[str, Assessment]:
    """The scoring job's batch: the cases of `references` still waiting for a first score, scored together
    (histories read in a few queries) and stored in one transaction; a case another worker scored meanwhile is
    left alone. Approvals are disbursed after commit, each once, as in `score`."""
    now = desk.clock()
    with desk.sessions() as db:
        files = application_files(db, list(references))
        granted = cases.consented_many(db, list(files))
    items = [(files[reference], reference in granted) for reference in references if reference in files]
    if isinstance(desk.scorer, BatchScorer):
        found = desk.scorer.many(items, now)
    else:
        found = [desk.scorer(application, consent, now) for application, consent in items]
    assessments = {application.reference: one for (application, _), one in zip(items, found, strict=True)}
    sent: list[int | None] = []
    to_approve: list[str] = []
    with desk.sessions() as db, db.begin():
        for reference, assessment in assessments.items():
            row = cases.case(db, reference, lock=True)
            if row is None or row.scored_at is not None:
                continue
            sms, approve_now = _record(desk, db, row, files[reference], assessment, SCORING, now)
            sent.append(sms)
            if approve_now:
                to_approve.append(reference)
    _after_commit(desk, sent, assessments, to_approve)
    return assessments


def _record(
    desk: Desk,
    db: Session,
    row: CaseRow,
    application: ApplicationFile,
    assessment: Assessment,
    actor: Actor,
    now: datetime,
) -> tuple[int | None, bool]:
    """Store one scoring run in the caller's transaction; returns the referral SMS (if any) and whether to approve."""
    reference = row.reference
    undecided = CaseState(row.state) in UNDECIDED_STATES
    cases.add_decision(db, reference, DecisionKind.SCORE, assessment.outcome.value, actor, now, assessment=assessment)
    if actor != SCORING:
        desk.audit(db, actor.username, "application.rescore", reference, "", {"outcome": assessment.outcome.value}, now)
    row.scored_at = now
    approve_now = undecided and assessment.outcome is PolicyOutcome.APPROVE
    sms = None
    if undecided and not approve_now and row.state == CaseState.SUBMITTED.value:
        cases.move(row, CaseState.REFERRED, now)
        local = now.astimezone(ZoneInfo(application.tz)).date()
        sms = notices.referred(db, desk.catalog(), application.msisdn, row.lang, reference, now, local)
    if desk.los is not None:
        los_state.register(db, reference, now)
    return sms, approve_now


def _after_commit(
    desk: Desk, sent: Sequence[int | None], assessments: Mapping[str, Assessment], to_approve: Sequence[str]
) -> None:
    for sms in sent:
        desk.send(sms)
    for reference, assessment in assessments.items():
        log.info("application %s scored: %s (score %s)", reference, assessment.outcome.value, assessment.score)
        if desk.los is not None and desk.jobs is not None:
            desk.jobs("los", reference)
    for reference in to_approve:
        try:
            approve(desk, reference, SCORING, APPROVE_NOTE)
        except DecisionError as exc:  # decided meanwhile (withdrawn, an officer): the decision row stays
            log.warning("application %s not approved by the scoring job: %s", reference, exc.message)
