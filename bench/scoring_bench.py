"""Score 10,000 queued loan applications with their records, with one RQ worker.

    .venv/bin/python bench/scoring_bench.py                    # 10,000 applications, SQLite in a temp folder
    .venv/bin/python bench/scoring_bench.py --applications 2000
    .venv/bin/python bench/scoring_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Setup (not timed): a fresh database with the synthetic history (gateway/scoring/demo_history.py: one
borrower per application, each with a year of savings, value-chain records and earlier loans), one
submitted application per borrower with its case opened as the USSD flow opens it (consent granted for
four in five), each submission queued as its effect queues it (the first queues a scoring job, the
others find one queued), on a bench-only RQ queue.
Timed: one `SimpleWorker` draining the queue in burst mode, each job the decisions' real scoring job
(gateway.decisions.jobs.score_job: every waiting case in batches, features from the database, score, policy,
the decisions stored, and an
approval within the limit disbursed at once). Then, for comparison, the same applications scored in bulk
by gateway.scoring.score_many (features + score + decide, nothing stored).
Target: the worker under 60 s for 10,000 applications on 2 cores.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from redis import Redis
from rq import Queue, SimpleWorker
from sqlalchemy import Engine, insert, select, text

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gateway.config import Settings  # noqa: E402
from gateway.decisions import cases, jobs  # noqa: E402
from gateway.decisions.cases import Submission  # noqa: E402
from gateway.decisions.intake import APPLICATION, enqueue_after_commit  # noqa: E402
from gateway.decisions.scorer import scorer_for  # noqa: E402
from gateway.decisions.wiring import build_desk  # noqa: E402
from gateway.redis_keys import SCORING_QUEUED  # noqa: E402
from gateway.scoring import ScoringRequest, load_policy, load_scorecard, score_many  # noqa: E402
from gateway.scoring.demo_history import seed_history  # noqa: E402
from gateway.storage.db import make_engine  # noqa: E402
from gateway.storage.ledger_tables import ApplicationRow, CustomerRow  # noqa: E402
from gateway.storage.migrate import upgrade  # noqa: E402

NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
PRODUCTS = {"dairy": ("dairy_cow", 12), "seaweed": ("seaweed_harvest", 6), "patchouli": ("patchouli", 12)}
CONSENT_SHARE = 0.8
BULK_CHUNK = 1000
HISTORY_LEAD = timedelta(days=250)
"""The history is seeded as if a little later, so that many borrowers have records in the year before NOW."""


def _engine(url: str | None, folder: Path) -> tuple[Engine, str | None]:
    if url is None:
        return make_engine(f"sqlite:///{folder / 'scoring_bench.db'}"), None
    schema = f"bench_scoring_{uuid.uuid4().hex[:8]}"
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    return make_engine(url, search_path=schema), schema


def _applications(engine: Engine, count: int) -> list[tuple[str, int, str, str, int, bool]]:
    """One submitted application per history borrower: (reference, customer, msisdn, product, amount, consent)."""
    rng = random.Random(11)
    with engine.connect() as connection:
        customers = connection.execute(
            select(CustomerRow.id, CustomerRow.msisdn, CustomerRow.value_chain).order_by(CustomerRow.id).limit(count)
        ).all()
    made, rows = [], []
    for number, (cid, msisdn, chain) in enumerate(customers):
        product, tenor = PRODUCTS[chain]
        amount = rng.randint(1, 8) * 1_000_000
        reference = f"BS{number:08d}"
        made.append((reference, cid, msisdn, product, amount, rng.random() < CONSENT_SHARE))
        rows.append(
            {
                "reference": reference,
                "customer_id": cid,
                "product_code": product,
                "amount": amount,
                "tenor": tenor,
                "purpose": "bench",
                "status": "submitted",
                "submitted_at": NOW - timedelta(minutes=5),
                "idempotency_key": f"bench:{reference}",
            }
        )
    with engine.begin() as connection:
        for start in range(0, len(rows), BULK_CHUNK):
            connection.execute(insert(ApplicationRow), rows[start : start + BULK_CHUNK])
    return made


def _open_cases(desk: jobs.Desk, made: list[tuple[str, int, str, str, int, bool]]) -> None:
    with desk.sessions() as db, db.begin():
        for reference, _cid, msisdn, _product, _amount, consent in made:
            cases.open_case(db, Submission(reference, msisdn, "id", "ussd", consent, "bench", NOW), NOW)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--applications", type=int, default=10_000)
    parser.add_argument(
        "--through-jobs",
        type=int,
        default=None,
        help="how many of them go through the RQ scoring job (default all; the rest only in bulk)",
    )
    parser.add_argument("--database-url", help="PostgreSQL URL (a schema of its own, dropped after); default SQLite")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/0")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    with tempfile.TemporaryDirectory() as folder:
        engine, schema = _engine(args.database_url, Path(folder))
        redis = Redis.from_url(args.redis_url, socket_timeout=10)
        queue = Queue(f"bench-scoring-{uuid.uuid4().hex[:8]}", connection=redis)
        try:
            started = time.perf_counter()
            upgrade(engine)
            seed_history(engine, NOW + HISTORY_LEAD, loans=args.applications)
            made = _applications(engine, args.applications)
            desk = build_desk(settings, None, engine, lambda: NOW, scorer=scorer_for(settings.menus_dir, engine))
            _open_cases(desk, made)
            jobs.install_desk(desk)
            through_jobs = made if args.through_jobs is None else made[: max(args.through_jobs, 0)]
            redis.delete(SCORING_QUEUED)
            # As the submissions' effects queue them: the first queues the job, the rest find it queued.
            submitted = [(APPLICATION, {"reference": reference}) for reference, *_ in through_jobs]
            enqueue_after_commit(redis, submitted, queue_name=queue.name)
            print(
                f"setup: {len(made)} applications, {len(through_jobs)} submitted ({queue.count} scoring job queued),"
                f" in {time.perf_counter() - started:.1f} s"
            )

            started = time.perf_counter()
            SimpleWorker([queue], connection=redis).work(burst=True, logging_level="WARNING")
            worker_s = time.perf_counter() - started
            with desk.sessions() as db:
                states = dict(db.execute(text("SELECT state, count(*) FROM loan_cases GROUP BY state")).all())
            if through_jobs:
                per_job_ms = worker_s / len(through_jobs) * 1000
                print(
                    f"one worker, RQ scoring job: {len(through_jobs)} applications scored, decided and stored in"
                    f" {worker_s:.1f} s ({per_job_ms:.1f} ms each) — cases: {states}"
                )

            card, policy = (
                load_scorecard(settings.menus_dir / "scorecard.yaml"),
                load_policy(settings.menus_dir / "decision_policy.yaml"),
            )
            requests = [
                ScoringRequest(cid, product, amount, NOW, consent) for _, cid, _, product, amount, consent in made
            ]
            started = time.perf_counter()
            scored = [
                s
                for i in range(0, len(requests), BULK_CHUNK)
                for s in score_many(engine, card, policy, requests[i : i + BULK_CHUNK])
            ]
            bulk_s = time.perf_counter() - started
            approved = sum(1 for s in scored if s.outcome.outcome.value == "approve")
            print(
                f"score_many, one process: {len(scored)} applications (features + score + decide from the database)"
                f" in {bulk_s:.1f} s ({approved} approve); target under 60 s"
            )
        finally:
            jobs.install_desk(None)
            queue.delete(delete_jobs=True)
            engine.dispose()
            if schema is not None and args.database_url:
                admin = make_engine(args.database_url)
                with admin.begin() as connection:
                    connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
