"""The scoring job in batches: while one scoring job waits in the queue, later submissions queue none; the job
scores every waiting case (each once, with its own decision), on SQLite and PostgreSQL, real Redis."""

from __future__ import annotations

import redis
from rq import Queue, SimpleWorker
from sqlalchemy import func, select

from gateway.banking.demo import DAIRY, SEAWEED
from gateway.banking.ledger import SqlBank
from gateway.decisions import intake, jobs
from gateway.decisions.model import PolicyOutcome
from gateway.redis_keys import SCORING_QUEUED
from gateway.storage.decision_tables import CaseRow, DecisionRow
from tests.banking_fixtures import bank, db_engine, demo_bank, pg_engine, sqlite_engine
from tests.decision_support import Clock, FixedScorer, make_desk, sms_to, submit


def test_one_job_scores_every_submission_made_while_it_waited(demo_bank: SqlBank, redis_client: redis.Redis) -> None:
    scorer = FixedScorer(PolicyOutcome.REFER)
    desk = make_desk(demo_bank, Clock(), scorer)
    queue = Queue("scoring-batches-test", connection=redis_client)
    references = [
        submit(demo_bank, desk, DAIRY.msisdn, "dairy_cow", 2_000_000, 6, True),
        submit(demo_bank, desk, SEAWEED.msisdn, "seaweed_harvest", 1_000_000, 6, False),
        submit(demo_bank, desk, SEAWEED.msisdn, "seaweed_spread", 3_000_000, 6, None),
    ]
    submitted = [(intake.APPLICATION, {"reference": reference}) for reference in references]
    intake.enqueue_after_commit(redis_client, submitted, queue_name=queue.name)
    assert [job.args for job in queue.jobs] == [(references[0],)]  # the others found a job queued
    assert redis_client.get(SCORING_QUEUED) == references[0].encode()

    jobs.install_desk(desk)
    try:
        SimpleWorker([queue], connection=redis_client).work(burst=True)
    finally:
        jobs.install_desk(None)

    assert redis_client.exists(SCORING_QUEUED) == 0  # the job cleared it: the next submission queues its own
    assert sorted(reference for reference, _ in scorer.calls) == sorted(references)
    with desk.sessions() as db:
        states = {reference: state for reference, state in db.execute(select(CaseRow.reference, CaseRow.state))}
        scored = db.scalar(select(func.count()).select_from(DecisionRow).where(DecisionRow.kind == "score"))
    assert {reference: states[reference] for reference in references} == dict.fromkeys(references, "referred")
    assert scored == 3
    assert all(sms_to(desk, msisdn) for msisdn in (DAIRY.msisdn, SEAWEED.msisdn))

    # A job for a case scored meanwhile (a duplicate, a redelivery) stores nothing more.
    assert jobs.score_all_waiting(desk) == 0
    jobs.install_desk(desk)
    try:
        assert jobs.score_job(references[1]) == "refer"
    finally:
        jobs.install_desk(None)
    with desk.sessions() as db:
        assert db.scalar(select(func.count()).select_from(DecisionRow).where(DecisionRow.kind == "score")) == 3


def test_consent_reaches_the_batch_scorer_per_application(demo_bank: SqlBank) -> None:
    scorer = FixedScorer(PolicyOutcome.REFER)
    desk = make_desk(demo_bank, Clock(), scorer)
    yes = submit(demo_bank, desk, DAIRY.msisdn, "dairy_cow", 2_000_000, 6, True)
    no = submit(demo_bank, desk, SEAWEED.msisdn, "seaweed_harvest", 1_000_000, 6, False)
    assert jobs.score_all_waiting(desk) == 2
    assert dict(scorer.calls) == {yes: True, no: False}
