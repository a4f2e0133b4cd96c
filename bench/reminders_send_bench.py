"""100,000 reminders due in one window, sent on the production path by one worker, on PostgreSQL:

    scan_reminders (scan -> outbox rows -> dispatch_due: RQ send jobs of 500 ids) -> send_outbox_batch
    (claim a chunk, still_wanted, SendLanes threads, pooled Twilio client) -> the fake Twilio, its own process

    .venv/bin/python bench/reminders_send_bench.py                   # 102,050 loans: 100,001 messages
    .venv/bin/python bench/reminders_send_bench.py --loans 20000     # smaller

The jobs are the production job functions (gateway.jobs.tasks), the worker context is built by
gateway.sms.wiring from Settings pointed at the fake, and one RQ SimpleWorker runs them in burst mode: first
the scan job (it queues the send jobs), then every send job. The clock starts at 08:00 WIB on the scan day
and runs at wall speed. The portfolio (every current instalment due that day; bench/reminders_bench.py
builds it) lives in a schema of its own and the queues are bench-only; both are dropped afterwards.
Target: every reminder out of the outbox within 10 minutes.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from rq import Queue, SimpleWorker
from sqlalchemy import func, select

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.reminders_bench import DEFAULT_PG_URL, NOW, build_portfolio, drop_portfolio  # noqa: E402
from gateway.config import DEFAULT_SMS_SEND_THREADS, Settings  # noqa: E402
from gateway.jobs.tasks import install_reminder_setup, install_worker_context, scan_reminders  # noqa: E402
from gateway.reminders.runner import ReminderSetup  # noqa: E402
from gateway.runtime import connect_redis  # noqa: E402
from gateway.sms.wiring import build_outbox_context  # noqa: E402
from gateway.storage.db import make_engine  # noqa: E402
from gateway.storage.sms_tables import OutboxRow  # noqa: E402
from tests.fakes.twilio_server import FakeTwilioProcess  # noqa: E402

SCHEMA = "bench_reminders_send"
DEFAULT_LOANS = 102_050  # one borrower in fifty has two loans (one message): 100,001 messages
TARGET_S = 600
SCAN_TIMEOUT_S = 1800


def parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(
        description="reminders due in one window, sent by one worker", prog="reminders_send_bench"
    )
    cli.add_argument("--loans", type=int, default=DEFAULT_LOANS)
    cli.add_argument("--threads", type=int, default=DEFAULT_SMS_SEND_THREADS, help="SMS_SEND_THREADS")
    cli.add_argument("--rate", type=float, default=0.0, help="SMS_RATE_PER_S (0: the provider's default)")
    cli.add_argument("--database", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG_URL))
    cli.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    return cli


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    logging.disable(logging.INFO)  # a log line per message would measure the terminal
    built = build_portfolio(args.database, args.loans, 1, schema=SCHEMA)
    print(
        f"portfolio: {args.loans:,} active loans, every current instalment due on the scan day (built in {built:.1f} s)"
    )
    engine = make_engine(args.database, search_path=SCHEMA)
    redis = connect_redis(args.redis)
    sms_queue = Queue(f"bench-sms-{os.getpid()}", connection=redis)
    scan_queue = Queue(f"bench-reminders-{os.getpid()}", connection=redis)
    try:
        with FakeTwilioProcess() as fake:
            settings = Settings(
                sms_provider="twilio",
                twilio_account_sid=fake.account_sid,
                twilio_auth_token=fake.auth_token,
                twilio_from="+15005550006",
                twilio_api_base_url=fake.base_url,
                sms_send_threads=args.threads,
                sms_rate_per_s=args.rate,
            )
            origin = time.monotonic()
            context = build_outbox_context(
                settings, redis, engine, lambda: NOW + timedelta(seconds=time.monotonic() - origin)
            )
            context = replace(context, queue=sms_queue)
            install_worker_context(context)
            install_reminder_setup(ReminderSetup.load(engine, ROOT / "menus", ROOT / "locales"))
            worker = SimpleWorker([scan_queue, sms_queue], connection=redis)
            started = time.perf_counter()
            scan_job = scan_queue.enqueue(scan_reminders, job_timeout=SCAN_TIMEOUT_S)
            worker.work(burst=True)
            elapsed = time.perf_counter() - started
            report = scan_job.return_value() or {}
            received = fake.stats()["requests"]
            context.lanes.close()
        with engine.connect() as connection:
            statuses = dict(
                connection.execute(
                    select(OutboxRow.status, func.count())
                    .where(OutboxRow.purpose == "reminder")
                    .group_by(OutboxRow.status)
                ).all()
            )
    finally:
        install_worker_context(None)
        install_reminder_setup(None)
        sms_queue.delete(delete_jobs=True)
        scan_queue.delete(delete_jobs=True)
        redis.close()
        engine.dispose()
        drop_portfolio(args.database, SCHEMA)
    messages = sum(statuses.values())
    left = statuses.get("pending", 0) + statuses.get("sending", 0)
    verdict = "MET" if left == 0 and elapsed <= TARGET_S else "MISSED"
    print(
        f"reminders: {report.get('reminders', 0):,} reminders in {messages:,} messages, "
        f"{report.get('dispatched', 0):,} dispatched by the scan job; outbox now {dict(sorted(statuses.items()))}"
    )
    print(
        f"one worker: scan + dispatch + send in {elapsed:.1f} s ({statuses.get('sent', 0) / elapsed:,.0f} msgs/s, "
        f"{args.threads} threads, SMS_RATE_PER_S={args.rate or 'default'}, PostgreSQL, fake Twilio in its own "
        f"process); {received:,} requests received; target all out within {TARGET_S} s: {verdict}"
    )
    return 0 if left == 0 and received == statuses.get("sent", 0) else 1


if __name__ == "__main__":
    sys.exit(main())
