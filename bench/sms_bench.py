"""Outbound SMS per second through one worker: outbox rows -> RQ batch jobs -> the production sender
(gateway.sms.wiring: SendLanes of SMS_SEND_THREADS threads, the token bucket, the pooled Twilio client)
-> a local Twilio-compatible server (tests/fakes/twilio_server.py) in a process of its own, on loopback.

    .venv/bin/python bench/sms_bench.py                        # 5,000 messages, PostgreSQL (production)
    .venv/bin/python bench/sms_bench.py --database sqlite --threads 8 --rate 0

Rows are written first (not timed), enqueued in batches of --batch ids, then one SimpleWorker in burst
mode claims, sends and records them. The figure includes every database round trip of the outbox
(claim, still_wanted, record) and one HTTP request per message. A second, shorter run with --limited-rate
shows the rate limiter holding. The queue is bench-only and deleted; on PostgreSQL the tables live in a
schema of their own, dropped afterwards. Target: >= 600 messages/s per worker.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from rq import Queue, SimpleWorker
from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from gateway.config import DEFAULT_SMS_SEND_THREADS, Settings  # noqa: E402
from gateway.jobs import install_worker_context  # noqa: E402
from gateway.runtime import connect_redis  # noqa: E402
from gateway.sms.outbox import BATCH_SIZE, enqueue_outbox, queue_sms  # noqa: E402
from gateway.sms.wiring import build_outbox_context  # noqa: E402
from gateway.storage.db import make_engine  # noqa: E402
from gateway.storage.migrate import upgrade  # noqa: E402
from gateway.storage.sms_tables import OutboxRow, OutboxStatus  # noqa: E402
from tests.fakes.twilio_server import FakeTwilioProcess  # noqa: E402

DEFAULT_MESSAGES = 5000
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
TARGET_PER_S = 600
BENCH_QUEUE = "sms-bench"
BODY = "Angsuran ke-2 dari 12: Rp582.083, jatuh tempo 7 Des 2025. Ketik BAYAR 582083 untuk membayar."


def parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(description="outbound SMS per second, one worker", prog="sms_bench")
    cli.add_argument("--messages", type=int, default=DEFAULT_MESSAGES)
    cli.add_argument("--batch", type=int, default=BATCH_SIZE, help="outbox ids per job")
    cli.add_argument(
        "--database",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG_URL),
        help="a PostgreSQL URL, or `sqlite` for a fresh SQLite file",
    )
    cli.add_argument("--threads", type=int, default=DEFAULT_SMS_SEND_THREADS, help="SMS_SEND_THREADS")
    cli.add_argument("--rate", type=float, default=0.0, help="SMS_RATE_PER_S (0: the provider's default)")
    cli.add_argument("--limited-rate", type=float, default=200.0, help="the rate of the second run (0: skip it)")
    cli.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    return cli


def write_rows(sessions: sessionmaker[Session], count: int, now: datetime) -> list[int]:
    with sessions() as db, db.begin():
        return [
            queue_sms(db, to=f"+62812{index:08d}", body=BODY, purpose="bench", key=f"bench:{now:%s}:{index}", now=now)
            for index in range(count)
        ]


@contextmanager
def bench_engine(url: str, folder: str) -> Iterator[Engine]:
    """A fresh SQLite file, or a PostgreSQL schema of its own (dropped afterwards)."""
    if not url or url == "sqlite":
        engine = make_engine(f"sqlite:///{Path(folder) / 'sms_bench.db'}")
        yield engine
        engine.dispose()
        return
    if make_url(url).get_backend_name() != "postgresql":
        raise SystemExit("--database: SQLite is the default; give a PostgreSQL URL or nothing")
    schema = f"sms_bench_{uuid.uuid4().hex[:8]}"
    admin = make_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(url, search_path=schema)
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def fake_settings(fake: FakeTwilioProcess, threads: int, rate: float) -> Settings:
    """Production settings pointed at the fake: the worker is built by gateway.sms.wiring as in production."""
    return Settings(
        sms_provider="twilio",
        twilio_account_sid=fake.account_sid,
        twilio_auth_token=fake.auth_token,
        twilio_from="+15005550006",
        twilio_api_base_url=fake.base_url,
        public_url="https://bench.example.id",
        sms_send_threads=threads,
        sms_rate_per_s=rate,
    )


@dataclass(frozen=True)
class Run:
    messages: int
    sent: int
    jobs: int
    elapsed_s: float

    @property
    def per_s(self) -> float:
        return self.sent / self.elapsed_s


def run(args: argparse.Namespace, engine: Engine, settings: Settings, messages: int) -> Run:
    redis = connect_redis(args.redis)
    queue = Queue(f"{BENCH_QUEUE}-{os.getpid()}", connection=redis)
    context = build_outbox_context(settings, redis, engine, lambda: datetime.now(UTC))
    context = replace(context, queue=queue)
    try:
        sessions = sessionmaker(bind=engine)
        ids = write_rows(sessions, messages, datetime.now(UTC))
        install_worker_context(context)
        started = time.perf_counter()
        jobs = enqueue_outbox(queue, ids, batch_size=args.batch)
        SimpleWorker([queue], connection=redis).work(burst=True)
        elapsed = time.perf_counter() - started
        with sessions() as db:
            sent = (
                db.scalar(
                    select(func.count()).where(OutboxRow.id.in_(ids), OutboxRow.status == OutboxStatus.SENT.value)
                )
                or 0
            )
    finally:
        install_worker_context(None)
        queue.delete(delete_jobs=True)
        context.lanes.close()
        getattr(context.provider, "close", lambda: None)()
        redis.close()
    return Run(messages, sent, jobs, elapsed)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.disable(logging.INFO)  # a log line per message would measure the terminal
    with (
        tempfile.TemporaryDirectory() as folder,
        FakeTwilioProcess() as fake,
        bench_engine(args.database, folder) as engine,
    ):
        upgrade(engine)
        full = run(args, engine, fake_settings(fake, args.threads, args.rate), args.messages)
        limited = None
        if args.limited_rate > 0:
            count = max(args.threads, int(args.limited_rate * 5))  # about five seconds
            limited = run(args, engine, fake_settings(fake, args.threads, args.limited_rate), count)
        received = fake.stats()["requests"]
    backend = engine.url.get_backend_name()
    verdict = "MET" if full.per_s >= TARGET_PER_S else "MISSED"
    print(
        f"SMS outbox: {full.sent}/{full.messages} sent by one worker in {full.elapsed_s:.2f} s "
        f"({full.jobs} jobs of {args.batch}, {args.threads} threads, SMS_RATE_PER_S={args.rate or 'default'}, "
        f"{backend}, fake Twilio in its own process): {full.per_s:.0f} msgs/s (target >= {TARGET_PER_S}: {verdict})"
    )
    expected = full.messages
    if limited is not None:
        expected += limited.messages
        print(
            f"rate limit: SMS_RATE_PER_S={args.limited_rate:g} -> {limited.sent}/{limited.messages} sent at "
            f"{limited.per_s:.0f} msgs/s (the bucket starts with {args.threads} tokens)"
        )
    if received != expected:
        print(f"  WARNING: the fake received {received} requests for {expected} messages")
        return 1
    complete = full.sent == full.messages and (limited is None or limited.sent == limited.messages)
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())
