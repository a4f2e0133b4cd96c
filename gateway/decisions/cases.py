"""Reads and writes of the decision tables, inside the caller's transaction (never a commit here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gateway.decisions.model import Actor, Assessment, CaseState, DecisionKind
from gateway.storage.decision_tables import CaseRow, ConsentRow, DecisionRow

NOTE_LENGTH = 500
LIST_LIMIT = 50
MAX_LIST_LIMIT = 500


@dataclass(frozen=True)
class Submission:
    """What the loan flow tells the decisions once an application is committed (an effect's payload)."""

    reference: str
    msisdn: str
    lang: str
    channel: str
    consent: bool | None
    """The customer's answer; None when the flow did not ask (treated as no consent)."""
    wording_version: str
    answered_at: datetime


def open_case(db: Session, submission: Submission, now: datetime) -> CaseRow:
    """The case of this application, created once, and the consent answer, stored once (a second call, e.g.
    the effects sweeper, or the decisions sweeper before the effect, finds them)."""
    row = case(db, submission.reference) or _insert(db, _new_case(submission, now))
    if submission.consent is not None and consent(db, submission.reference) is None:
        _insert(
            db,
            ConsentRow(
                reference=submission.reference,
                msisdn=submission.msisdn,
                granted=submission.consent,
                wording_version=submission.wording_version,
                channel=submission.channel,
                answered_at=submission.answered_at,
            ),
        )
    found = case(db, submission.reference)
    assert found is not None
    return found if row is None else row


def _new_case(submission: Submission, now: datetime) -> CaseRow:
    return CaseRow(
        reference=submission.reference,
        msisdn=submission.msisdn,
        state=CaseState.SUBMITTED.value,
        lang=submission.lang,
        channel=submission.channel,
        submitted_at=now,
        updated_at=now,
        scored_at=None,
    )


def _insert(db: Session, row: CaseRow | ConsentRow) -> CaseRow | None:
    """Insert in a savepoint; a racing writer of the same reference wins (None then)."""
    try:
        with db.begin_nested():
            db.add(row)
    except IntegrityError:
        return None
    return row if isinstance(row, CaseRow) else None


def case(db: Session, reference: str, *, lock: bool = False) -> CaseRow | None:
    query = select(CaseRow).where(CaseRow.reference == reference)
    return db.scalar(query.with_for_update() if lock else query)


def consent(db: Session, reference: str) -> ConsentRow | None:
    return db.scalar(select(ConsentRow).where(ConsentRow.reference == reference))


def consented(db: Session, reference: str) -> bool:
    answer = consent(db, reference)
    return answer is not None and answer.granted


def consented_many(db: Session, references: list[str]) -> set[str]:
    """Those of `references` whose customer consented."""
    query = select(ConsentRow.reference).where(ConsentRow.reference.in_(references), ConsentRow.granted.is_(True))
    return set(db.scalars(query))


def move(row: CaseRow, state: CaseState, now: datetime) -> None:
    row.state, row.updated_at = state.value, now


def add_decision(
    db: Session,
    reference: str,
    kind: DecisionKind,
    outcome: str,
    actor: Actor,
    now: datetime,
    *,
    reason_code: str = "",
    note: str = "",
    assessment: Assessment | None = None,
    detail: dict[str, Any] | None = None,
) -> DecisionRow:
    row = DecisionRow(
        reference=reference,
        kind=kind.value,
        outcome=outcome,
        actor=actor.username[:64],
        role=actor.role[:20],
        reason_code=reason_code[:40],
        note=note[:NOTE_LENGTH],
        score=assessment.score if assessment else None,
        scorecard_version=assessment.scorecard_version if assessment else "",
        policy_version=assessment.policy_version if assessment else "",
        detail={**(assessment.detail() if assessment else {}), **(detail or {})},
        created_at=now,
    )
    db.add(row)
    db.flush()
    return row


def decisions(db: Session, reference: str) -> list[DecisionRow]:
    return list(db.scalars(select(DecisionRow).where(DecisionRow.reference == reference).order_by(DecisionRow.id)))


def last_assessment(db: Session, reference: str) -> DecisionRow | None:
    return db.scalar(
        select(DecisionRow)
        .where(DecisionRow.reference == reference, DecisionRow.kind == DecisionKind.SCORE.value)
        .order_by(DecisionRow.id.desc())
        .limit(1)
    )


def list_cases(db: Session, state: CaseState | None = None, limit: int = LIST_LIMIT) -> list[CaseRow]:
    """Newest first; `limit` is bounded to MAX_LIST_LIMIT."""
    query = select(CaseRow).order_by(CaseRow.submitted_at.desc(), CaseRow.id.desc())
    if state is not None:
        query = query.where(CaseRow.state == state.value)
    return list(db.scalars(query.limit(max(1, min(limit, MAX_LIST_LIMIT)))))


def waiting_for_score(db: Session, before: datetime, limit: int) -> list[str]:
    """References submitted before `before` and never scored (their job was lost): for the sweeper."""
    return list(
        db.scalars(
            select(CaseRow.reference)
            .where(CaseRow.state == CaseState.SUBMITTED.value, CaseRow.scored_at.is_(None), CaseRow.updated_at < before)
            .order_by(CaseRow.id)
            .limit(limit)
        )
    )
