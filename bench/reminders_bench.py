"""One day's reminder scan over a synthetic national portfolio in PostgreSQL, then the send jobs into RQ.

    .venv/bin/python bench/reminders_bench.py --loans 100000     # small first
    .venv/bin/python bench/reminders_bench.py                     # 1,000,000 active loans

The portfolio is generated server-side (`INSERT ... SELECT generate_series`) in its own schema,
dropped afterwards; the jobs go to a bench-only RQ queue, deleted afterwards. Borrowers are spread
over WIB, WITA and WIT; one in fifty has a second loan due the same day (one message names both);
each loan has a past, a current and a next monthly instalment, the past one unpaid for one in ten.
Due days are spread over --due-days days around the scan day (28 by default; 1 puts every current
instalment on the scan day itself: the worst day, a million due-date reminders).
The scan runs on the gateway's own engine (make_engine) at 08:00 WIB.
Target: scan under 60 s on 2 cores, with peak memory that does not grow with --loans.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

from redis import Redis
from rq import Queue
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.exc import DBAPIError

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from gateway.i18n import load_catalog  # noqa: E402
from gateway.reminders.dispatch import due_outbox_batches, enqueue_send_batches  # noqa: E402
from gateway.reminders.policy import load_policy  # noqa: E402
from gateway.reminders.scan import scan_and_queue  # noqa: E402
from gateway.storage.base import Base  # noqa: E402
from gateway.storage.db import make_engine  # noqa: E402
from gateway.storage.reminder_tables import ReminderRow  # noqa: E402, F401  (the table must be on the metadata)

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
SCHEMA = "bench_reminders"
QUEUE_NAME = "bench-reminders"
SEND_FUNC = "gateway.jobs.send_outbox_batch"  # never run here: the queue is deleted unread
SCAN_DAY = date(2026, 12, 1)
NOW = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 08:00 WIB, 09:00 WITA, 10:00 WIT
SECOND_LOAN_EVERY = 50

_PORTFOLIO = [
    """INSERT INTO customers (id, msisdn, name, tz, lang, value_chain, place, pin_hash, failed_pin_attempts,
                              locked, created_at, activation_failures)
       SELECT g, '+62812' || lpad(g::text, 8, '0'), 'Nasabah ' || g,
              CASE WHEN g % 20 < 12 THEN 'Asia/Jakarta' WHEN g % 20 < 17 THEN 'Asia/Makassar'
                   ELSE 'Asia/Jayapura' END,
              CASE WHEN g % 25 = 0 THEN 'en' ELSE 'id' END, '', '', NULL, 0, false, :created, 0
       FROM generate_series(1, :customers) AS g""",
    """INSERT INTO loan_applications (id, reference, customer_id, product_code, amount, tenor, purpose, status,
                                      submitted_at, idempotency_key)
       SELECT g, 'B' || g, CASE WHEN g <= :customers THEN g ELSE (g - :customers - 1) * (:every - 1) + 1 END,
              (ARRAY['dairy_cow', 'seaweed_harvest', 'seaweed_spread', 'patchouli'])[1 + g % 4],
              1000000 + (g % 50) * 100000, 12, '', 'disbursed', :created, 'bench:' || g
       FROM generate_series(1, :loans) AS g""",
    """INSERT INTO loans (id, application_id, customer_id, product_code, principal, status, disbursed_at)
       SELECT id, id, customer_id, product_code, amount, 'active', :created FROM loan_applications""",
    """INSERT INTO instalments (loan_id, number, due_date, principal, interest, fee, amount, paid_amount, paid_at)
       SELECT l.id, m + 1, due, l.principal / 12, l.principal / 100, 0, l.principal / 12 + l.principal / 100,
              CASE WHEN due < :day AND l.id % 10 <> 0 THEN l.principal / 12 + l.principal / 100 ELSE 0 END,
              CASE WHEN due < :day AND l.id % 10 <> 0 THEN :created ELSE NULL END
       FROM loans l
       CROSS JOIN generate_series(0, 2) AS m
       CROSS JOIN LATERAL (SELECT (:day - :spread / 2 + (l.customer_id % :spread)
                                   + ((m - 1) * INTERVAL '1 month'))::date AS due) AS d""",
]


def admin_engine(url: str, schema: str) -> Engine:
    """No statement timeout: generating millions of rows is one long statement."""
    return create_engine(url, connect_args={"options": f"-c search_path={schema}"})


def build_portfolio(url: str, loans: int, spread: int, schema: str = SCHEMA) -> float:
    started = time.perf_counter()
    engine = admin_engine(url, schema)
    customers = loans - loans // SECOND_LOAN_EVERY
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    Base.metadata.create_all(engine)
    params = {
        "spread": spread,
        "customers": customers,
        "loans": loans,
        "every": SECOND_LOAN_EVERY,
        "day": SCAN_DAY,
        "created": datetime(2026, 1, 1, tzinfo=UTC),
    }
    with engine.begin() as connection:
        for statement in _PORTFOLIO:
            connection.execute(text(statement), params)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()
    return time.perf_counter() - started


def reuse_portfolio(url: str, loans: int) -> bool:  # same --due-days assumed
    """With --keep from an earlier run: the same portfolio, its reminders and outbox emptied."""
    engine = admin_engine(url, SCHEMA)
    try:
        with engine.begin() as connection:
            found = connection.execute(text("SELECT count(*) FROM loans")).scalar_one()
            if found != loans:
                return False
            connection.execute(text("TRUNCATE reminders, sms_outbox"))
        return True
    except DBAPIError:
        return False
    finally:
        engine.dispose()


def drop_portfolio(url: str, schema: str = SCHEMA) -> None:
    engine = admin_engine(url, "public")
    with engine.begin() as connection:
        connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
    engine.dispose()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def count(engine: Engine, table: str) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--loans", type=int, default=1_000_000)
    parser.add_argument(
        "--due-days", type=int, default=28, help="due dates spread over this many days (1: all due today)"
    )
    parser.add_argument("--batch-size", type=int, default=2000, help="instalments per scan transaction")
    parser.add_argument("--send-batch", type=int, default=500, help="outbox ids per send job")
    parser.add_argument("--keep", action="store_true", help=f"keep schema {SCHEMA} (inspection, --reuse)")
    parser.add_argument("--reuse", action="store_true", help="reuse a kept portfolio of the same size")
    args = parser.parse_args(argv)
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_PG_URL)
    redis = Redis.from_url(os.environ.get("REDIS_URL", DEFAULT_REDIS_URL))
    queue = Queue(f"{QUEUE_NAME}-{os.getpid()}", connection=redis)
    catalog, problems = load_catalog(ROOT / "locales")
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    policy = load_policy(ROOT / "menus" / "reminders.yaml")
    try:
        reused = args.reuse and reuse_portfolio(url, args.loans)
        built = 0.0 if reused else build_portfolio(url, args.loans, args.due_days)
        engine = make_engine(url, search_path=SCHEMA)
        instalments = count(engine, "instalments")
        print(f"portfolio: {args.loans:,} active loans, {instalments:,} instalments, built in {built:.1f} s")
        rss_before = peak_rss_mb()
        started = time.perf_counter()
        report = scan_and_queue(engine, catalog, policy, NOW, batch_size=args.batch_size)
        scan_s = time.perf_counter() - started
        rss_scan = peak_rss_mb()
        written = report.reminders + report.messages
        print(
            f"scan: {scan_s:.1f} s; {report.reminders:,} reminders, {report.messages:,} messages "
            f"({report.reminders - report.messages:,} instalments shared a message), {report.batches} batches; "
            f"{written / scan_s:,.0f} rows/s written, {report.instalments / scan_s:,.0f} instalments/s"
        )
        started = time.perf_counter()
        again = scan_and_queue(engine, catalog, policy, NOW, batch_size=args.batch_size)
        print(f"rescan: {time.perf_counter() - started:.1f} s, {again.reminders} new reminders (exactly once)")
        started = time.perf_counter()
        jobs = enqueue_send_batches(queue, due_outbox_batches(engine, NOW, args.send_batch), SEND_FUNC)
        enqueue_s = time.perf_counter() - started
        print(
            f"enqueue: {enqueue_s:.2f} s; {jobs:,} RQ jobs for {report.messages:,} outbox ids "
            f"({report.messages / max(enqueue_s, 1e-9):,.0f} ids/s, {args.send_batch} per job)"
        )
        print(
            f"peak RSS: {rss_before:.0f} MB before the scan, {rss_scan:.0f} MB after it, "
            f"{peak_rss_mb():.0f} MB at the end"
        )
        engine.dispose()
    finally:
        queue.delete(delete_jobs=True)
        redis.close()
        if not args.keep:
            drop_portfolio(url)
    return 0


if __name__ == "__main__":
    sys.exit(main())
