"""Send jobs in batches on a real Redis, and the preview command on a real database file."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import redis
from rq import Queue
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from gateway.i18n import Catalog
from gateway.reminders.dispatch import due_outbox_batches, enqueue_send_batches
from gateway.reminders.policy import Policy
from gateway.reminders.preview import cli_preview
from gateway.reminders.scan import scan_and_queue
from gateway.storage.base import Base
from gateway.storage.db import make_engine
from tests.integration.test_reminders_scan import (
    DUE,
    MAKASSAR,
    ROOT,
    add_customer,
    add_loan,
    at,
    catalog_fixture,
    db_engine,
    engine_fixture,
    outbox_rows,
    pg_engine,
    policy_fixture,
    sqlite_engine,
)

SEND_FUNC = "gateway.jobs.send_outbox_batch"


def test_one_job_per_batch_of_due_reminders(
    engine: Engine, catalog: Catalog, policy: Policy, redis_client: redis.Redis
) -> None:
    with Session(engine) as db, db.begin():
        for n in range(7):
            add_loan(db, add_customer(db, MAKASSAR if n % 2 else "Asia/Jakarta"), [(DUE, 100_000)])
    scanned = at(DUE - timedelta(days=3), 0, 5)
    assert scan_and_queue(engine, catalog, policy, now=scanned).messages == 7
    assert list(due_outbox_batches(engine, scanned)) == []  # the window has not opened yet
    assert [len(ids) for ids in due_outbox_batches(engine, at(DUE - timedelta(days=3), 7, 30), batch_size=3)] == [
        3
    ]  # WITA only
    queue = Queue("bench-reminders-test", connection=redis_client)
    everything = due_outbox_batches(engine, at(DUE - timedelta(days=3), 9), batch_size=3)
    assert enqueue_send_batches(queue, everything, SEND_FUNC) == 3
    jobs = queue.get_jobs()
    assert [len(job.args[0]) for job in jobs] == [3, 3, 1]
    assert sorted(i for job in jobs for i in job.args[0]) == sorted(row.id for row in outbox_rows(engine))
    assert {job.func_name for job in jobs} == {SEND_FUNC}


def test_cli_preview_prints_the_day(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'preview.db'}"
    engine = make_engine(url)
    Base.metadata.create_all(engine)
    with Session(engine) as db, db.begin():
        add_loan(db, add_customer(db, MAKASSAR), [(DUE, 1_500_000)])
    engine.dispose()
    assert cli_preview(url, ROOT / "menus", ROOT / "locales", DUE - timedelta(days=3)) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and "WITA  D-3  Yth. Siti Aminah: angsuran Rp1.500.000" in out[0]
    assert out[1] == "1 pengingat untuk 1 Des 2026"


def test_cli_preview_reports_a_broken_policy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "reminders.yaml").write_text("reminders: {rules: {}}\n", encoding="utf-8")
    assert cli_preview(f"sqlite:///{tmp_path / 'x.db'}", tmp_path, ROOT / "locales", DUE) == 1
    assert "reminders.rules must map rule names to rules" in capsys.readouterr().err
