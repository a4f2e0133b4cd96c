"""The decisions' effects after commit: a submission whose hop died after the session save is applied by the
effects sweeper once (its case and consent, its scoring job); a withdrawal too. Both databases, real Redis."""

from __future__ import annotations

import redis
from rq import Queue
from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker

from gateway.banking.demo import DAIRY, PATCHOULI
from gateway.banking.ledger import SqlBank
from gateway.decisions.intake import APPLICATION, SCORE_JOB, SCORING_QUEUE, WITHDRAWAL
from gateway.effects import GRACE, Effects
from gateway.engine.api import Effect
from gateway.storage.decision_tables import CaseRow, ConsentRow
from tests.banking_fixtures import NOW, bank, db_engine, demo_bank, pg_engine, sqlite_engine
from tests.decision_support import Clock


def test_the_sweeper_applies_a_lost_submission_once(demo_bank: SqlBank, redis_client: redis.Redis) -> None:
    clock = Clock(NOW)
    effects = Effects(
        redis_client, sessionmaker(bind=demo_bank.engine), Queue("sms-test", connection=redis_client), clock
    )
    application = demo_bank.submit_application(DAIRY.msisdn, "dairy_cow", 2_000_000, 6, "pakan", "fx:1", NOW)
    submitted = Effect(
        APPLICATION,
        {
            "key": f"application:{application.reference}:decision",
            "reference": application.reference,
            "channel": "ussd",
            "lang": "id",
            "consent": True,
            "consent_version": "id-abc",
            "answered_at": NOW.isoformat(),
        },
    )
    [patchouli] = demo_bank.my_loans(PATCHOULI.msisdn).applications
    withdrawn = Effect(WITHDRAWAL, {"key": f"withdraw:{patchouli.reference}", "reference": patchouli.reference})
    effects.record(effects.pending(DAIRY.msisdn, [submitted]) + effects.pending(PATCHOULI.msisdn, [withdrawn]))
    # ... and the process died before applying them.
    assert effects.sweep() == 0  # younger than GRACE: the hop may still be applying them
    clock.advance(GRACE)
    assert effects.sweep() == 2
    assert effects.sweep() == 0
    with effects.sessions() as db:
        states = {row.reference: row.state for row in db.execute(select(CaseRow.reference, CaseRow.state))}
        consents = db.scalar(select(func.count()).select_from(ConsentRow))
    assert states == {application.reference: "submitted", patchouli.reference: "withdrawn"}
    assert consents == 1
    jobs = Queue(SCORING_QUEUE, connection=redis_client).jobs
    assert [(job.func_name, job.args) for job in jobs] == [(SCORE_JOB, (application.reference,))]
