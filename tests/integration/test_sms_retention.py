"""`jembatan data purge`: message bodies older than MESSAGE_RETENTION_DAYS go, recent ones stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from gateway.cli import main
from gateway.sms.outbox import queue_sms
from gateway.sms.retention import PURGED_BODY
from gateway.storage.migrate import upgrade
from gateway.storage.sms_tables import OutboxRow


def write(db: Session, key: str, age: timedelta, status: str = "delivered") -> int:
    then = datetime.now(UTC) - age
    outbox_id = queue_sms(db, to="+6281234567890", body="Saldo Anda Rp1.500.000.", purpose="reply", key=key, now=then)
    db.get_one(OutboxRow, outbox_id).status = status
    return outbox_id


def test_the_command_purges_by_the_setting_and_by_days(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path}/purge.db"
    engine = create_engine(url)
    upgrade(engine)
    with Session(engine) as db, db.begin():
        old, recent = write(db, "old", timedelta(days=40)), write(db, "recent", timedelta(days=10))
        unsent = write(db, "unsent", timedelta(days=40), status="pending")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("MESSAGE_RETENTION_DAYS", "30")
    assert main(["data", "purge"]) == 0
    assert "older than 30 days" in capsys.readouterr().out
    with Session(engine) as db:
        bodies = {row.id: row.body for row in db.execute(select(OutboxRow.id, OutboxRow.body))}
    assert bodies[old] == PURGED_BODY and bodies[recent] != PURGED_BODY and bodies[unsent] != PURGED_BODY
    assert main(["data", "purge", "--days", "7"]) == 0
    with Session(engine) as db:
        assert db.scalar(select(OutboxRow.body).where(OutboxRow.id == recent)) == PURGED_BODY
    assert main(["data", "purge", "--days", "-1"]) == 2
