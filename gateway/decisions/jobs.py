"""RQ jobs of the loan decisions, on the `scoring` queue; arguments are application references.

    score_job(reference)     the effect of a submitted application queues it (gateway/decisions/intake.py)
    deliver_job(reference)   one attempt to hand an application to the loan system
    sweep_decisions()        every minute: scores what was never scored (a lost job, the SMS path), and
                             sends the loan-system deliveries that are due (retries with backoff)

Each worker process builds its `Desk` from Settings on first use; tests install their own.
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

from rq import get_current_job

from gateway.banking.loan_desk import applications_without_case
from gateway.decisions import cases, los, los_state, scoring
from gateway.decisions.cases import Submission
from gateway.decisions.desk import DecisionError, Desk
from gateway.redis_keys import SCORING_QUEUED

SWEEP_LIMIT = 200
SCORE_BATCH = 200
ALL_WAITING = timedelta(days=1)
"""`waiting_for_score` takes cases updated before a moment: any moment after now takes them all."""
SCORE_GRACE = timedelta(seconds=30)
"""A case younger than this is left to the job its submission queued."""

log = logging.getLogger(__name__)
_lock = threading.Lock()
_desk: list[Desk] = []


def worker_desk() -> Desk:
    with _lock:
        if not _desk:
            _desk.append(_build())
        return _desk[0]


def install_desk(desk: Desk | None) -> None:
    """Use `desk` in this process (tests, the benchmark); None forgets it, so the next job rebuilds."""
    with _lock:
        _desk.clear()
        if desk is not None:
            _desk.append(desk)


def _build() -> Desk:
    from gateway.config import Settings
    from gateway.decisions.wiring import build_desk
    from gateway.runtime import connect_redis, utc_now
    from gateway.storage.db import make_engine

    settings = Settings.from_env()
    return build_desk(settings, connect_redis(settings.redis_url), make_engine(settings.database_url), utc_now)


def score_job(reference: str) -> str:
    """Score `reference`, then every other case still waiting for its first score: submissions made while
    this job waited in the queue did not queue their own (gateway.decisions.intake.enqueue_after_commit)."""
    _started()
    desk = worker_desk()
    try:
        first = scoring.score_waiting(desk, [reference]).get(reference)
    except DecisionError as exc:  # an application that is gone: nothing to retry
        log.warning("score %s: %s", reference, exc.message)
        return exc.code
    score_all_waiting(desk)
    return first.outcome.value if first is not None else "not_found"


def score_all_waiting(desk: Desk) -> int:
    """Score the waiting cases in batches of SCORE_BATCH (each batch one read, one write transaction)."""
    done: set[str] = set()
    while True:
        with desk.sessions() as db:
            waiting = cases.waiting_for_score(db, desk.clock() + ALL_WAITING, SCORE_BATCH + len(done))
        batch = [reference for reference in waiting if reference not in done][:SCORE_BATCH]
        if not batch:
            return len(done)
        scoring.score_waiting(desk, batch)
        done.update(batch)


def _started() -> None:
    """Clear the flag that kept later submissions from queueing jobs: from now on they queue their own."""
    job = get_current_job()
    if job is None:
        return
    try:
        job.connection.delete(SCORING_QUEUED)
    except Exception as exc:  # Redis away: the flag expires (SCORING_QUEUED_TTL_S) and the sweeper scores
        log.warning("scoring: queued flag not cleared (%s)", type(exc).__name__)


def deliver_job(reference: str) -> str:
    return los.deliver(worker_desk(), reference)


def sweep_decisions() -> dict[str, int]:
    desk = worker_desk()
    now = desk.clock()
    with desk.sessions() as db, db.begin():
        opened = []
        for found in applications_without_case(db, SWEEP_LIMIT):  # no consent asked: the bank's records only
            cases.open_case(db, Submission(found.reference, found.msisdn, found.lang, "", None, "", now), now)
            opened.append(found.reference)
    with desk.sessions() as db:
        unscored = cases.waiting_for_score(db, now - SCORE_GRACE, SWEEP_LIMIT)
    if opened or unscored:
        scoring.score_waiting(desk, [*opened, *unscored])
    with desk.sessions() as db:
        due = los_state.due(db, now, SWEEP_LIMIT) if desk.los is not None else []
    outcomes = [los.deliver(desk, reference) for reference in due]
    return {
        "scored": len(opened) + len(unscored),
        "delivered": outcomes.count("delivered"),
        "retry": outcomes.count("retry"),
    }
