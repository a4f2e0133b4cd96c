"""Outbound SMS per second through one worker: outbox rows -> RQ batch jobs -> the real twilio library
-> a local Twilio-compatible server (tests/fakes/twilio_server.py) on loopback.

    .venv/bin/python bench/sms_bench.py                        # 2,000 messages, SQLite
    .venv/bin/python bench/sms_bench.py --messages 5000 --database postgresql+psycopg://postgres@127.0.0.1/test

Rows are written first (not timed), enqueued in batches of --batch ids, then one SimpleWorker in burst
mode claims, sends and records each one. The figure includes every database round trip of the outbox
(claim, still_wanted, record) and one HTTP request per message. The queue is bench-only and deleted;
on PostgreSQL the tables live in a schema of their own, dropped afterwards.
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
from datetime import UTC, datetime
from pathlib import Path

from rq import Queue, SimpleWorker
from sqlalchemy import Engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from gateway.jobs import install_worker_context  # noqa: E402
from gateway.runtime import connect_redis  # noqa: E402
from gateway.sms.outbox import BATCH_SIZE, enqueue_outbox, queue_sms  # noqa: E402
from gateway.sms.outbox_context import OutboxContext  # noqa: E402
from gateway.sms.twilio_provider import TwilioProvider  # noqa: E402
from gateway.storage.db import make_engine  # noqa: E402
from gateway.storage.migrate import upgrade  # noqa: E402
from gateway.storage.sms_tables import OutboxRow, OutboxStatus  # noqa: E402
from tests.fakes.twilio_server import FakeTwilio  # noqa: E402

DEFAULT_MESSAGES = 2000
BENCH_QUEUE = "sms-bench"
BODY = "Angsuran ke-2 dari 12: Rp582.083, jatuh tempo 7 Des 2025. Ketik BAYAR 582083 untuk membayar."


def parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(description="outbound SMS per second, one worker", prog="sms_bench")
    cli.add_argument("--messages", type=int, default=DEFAULT_MESSAGES)
    cli.add_argument("--batch", type=int, default=BATCH_SIZE, help="outbox ids per job")
    cli.add_argument("--database", default="", help="SQLAlchemy URL (default: a fresh SQLite file)")
    cli.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    return cli


def write_rows(sessions: sessionmaker[Session], count: int, now: datetime) -> list[int]:
    with sessions() as db, db.begin():
        return [queue_sms(db, to=f"+62812{index:08d}", body=BODY, purpose="bench", key=f"bench:{now:%s}:{index}",
                          now=now) for index in range(count)]


@contextmanager
def bench_engine(url: str, folder: str) -> Iterator[Engine]:
    """A fresh SQLite file, or a PostgreSQL schema of its own (dropped afterwards)."""
    if not url:
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


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.disable(logging.INFO)  # a log line per message would measure the terminal
    with tempfile.TemporaryDirectory() as folder, FakeTwilio() as fake, bench_engine(args.database, folder) as engine:
        redis = connect_redis(args.redis)
        queue = Queue(BENCH_QUEUE, connection=redis)
        provider = TwilioProvider(fake.account_sid, fake.auth_token, from_="+15005550006", api_base_url=fake.base_url)
        try:
            upgrade(engine)
            sessions = sessionmaker(bind=engine)
            ids = write_rows(sessions, args.messages, datetime.now(UTC))
            install_worker_context(OutboxContext(sessions, provider, "twilio", queue, lambda: datetime.now(UTC),
                                                 "https://bench.example.id/sms/twilio/status"))
            started = time.perf_counter()
            jobs = enqueue_outbox(queue, ids, batch_size=args.batch)
            SimpleWorker([queue], connection=redis).work(burst=True)
            elapsed = time.perf_counter() - started
            with sessions() as db:
                sent = db.scalar(select(func.count()).where(OutboxRow.id.in_(ids),
                                                            OutboxRow.status == OutboxStatus.SENT.value)) or 0
        finally:
            install_worker_context(None)
            queue.delete(delete_jobs=True)
            provider.close()
    backend = engine.url.get_backend_name()
    print(f"SMS outbox: {sent}/{args.messages} sent by one worker in {elapsed:.2f} s "
          f"({jobs} jobs of {args.batch}, {backend}, fake Twilio on loopback): {sent / elapsed:.0f} msgs/s")
    if fake.requests and len(fake.requests) != args.messages:
        print(f"  WARNING: the fake received {len(fake.requests)} requests for {args.messages} messages")
        return 1
    return 0 if sent == args.messages else 1


if __name__ == "__main__":
    sys.exit(main())
