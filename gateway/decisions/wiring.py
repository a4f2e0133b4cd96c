"""Build the decisions' `Desk` for a process (CLI, web, worker) from its Settings."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial

import redis
from rq import Queue
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from gateway.config import Settings
from gateway.decisions.desk import Desk, LosConfig
from gateway.decisions.intake import JOB_TIMEOUT_S, LOS_JOB, SCORE_JOB, SCORING_QUEUE
from gateway.decisions.model import Scorer
from gateway.i18n import Catalog, load_catalog
from gateway.sms.outbox import QUEUE_NAME, enqueue_outbox
from gateway.staff import record_audit

JOBS = {"score": SCORE_JOB, "los": LOS_JOB}
MIN_SECRET_CHARS = 16
"""An HMAC key anyone could guess would let anyone decide loans through the callback."""
log = logging.getLogger(__name__)


def los_config(settings: Settings) -> LosConfig | None:
    url, secret = settings.los_webhook_url, settings.los_webhook_secret
    if url and len(secret) < MIN_SECRET_CHARS:
        log.warning(
            "LOS_WEBHOOK_URL is set but LOS_WEBHOOK_SECRET is shorter than %d characters: no hand-off", MIN_SECRET_CHARS
        )
        return None
    return LosConfig(url, secret) if url else None


def default_scorer(settings: Settings, engine: Engine) -> Scorer:
    """The scorecard and policy in the menus folder (gateway.scoring); refer everything without them."""
    from gateway.decisions.scorer import scorer_for

    return scorer_for(settings.menus_dir, engine)


def _enqueue_job(queue: Queue, kind: str, reference: str) -> None:
    queue.enqueue(JOBS[kind], reference, job_timeout=JOB_TIMEOUT_S)


def build_desk(
    settings: Settings,
    client: redis.Redis | None,
    engine: Engine,
    clock: Callable[[], datetime],
    *,
    scorer: Scorer | None = None,
    catalog: Catalog | None = None,
) -> Desk:
    """With a Redis client, jobs and SMS go to the worker's queues; without one, jobs run inline (and SMS
    wait for the outbox sweeper)."""
    from gateway.banking.ledger import SqlBank

    if catalog is None:
        catalog, _problems = load_catalog(settings.locales_dir, settings.default_lang)
    fixed = catalog
    jobs: Callable[[str, str], None] | None = None
    outbox: Callable[[Sequence[int]], object] | None = None
    if client is not None:
        jobs = partial(_enqueue_job, Queue(SCORING_QUEUE, connection=client))
        outbox = partial(enqueue_outbox, Queue(QUEUE_NAME, connection=client))
    return Desk(
        sessions=sessionmaker(bind=engine),
        lender=SqlBank(engine, pepper=settings.pepper, access=settings.access_policy()),
        catalog=lambda: fixed,
        clock=clock,
        audit=record_audit,
        scorer=scorer or default_scorer(settings, engine),
        jobs=jobs,
        los=los_config(settings),
        outbox=outbox,
    )
