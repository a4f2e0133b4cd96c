"""The demo's way to move the clock: `jembatan reminders run --now` scans, then sends what is due then."""

from __future__ import annotations

import re
from pathlib import Path

import redis
from sqlalchemy.orm import Session

from gateway.banking.demo import seed
from gateway.banking.ledger import SqlBank
from gateway.cli import main
from gateway.sms.outbox import set_opt_out
from gateway.sms.sandbox import list_sandbox
from gateway.storage.db import make_engine
from gateway.storage.migrate import upgrade
from tests.conftest import redis_test_url
from tests.transcript_support import CLOCK, FAST_HASHER

EUIS = "+6281220150101"


def test_reminders_wait_for_the_window_then_land_in_the_sandbox_once(
    tmp_path: Path,
    monkeypatch,  # type: ignore[no-untyped-def]
    redis_client: redis.Redis,
) -> None:
    url = f"sqlite:///{tmp_path / 'bank.db'}"
    engine = make_engine(url)
    upgrade(engine)
    seed(SqlBank(engine, hasher=FAST_HASHER), CLOCK)  # Euis owes on Monday 30 Nov 2026 (29 Nov rolled past Sunday)
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("REDIS_URL", redis_test_url())

    assert main(["reminders", "run", "--now", "2026-11-27T07:00+07:00"]) == 0
    assert list_sandbox(redis_client) == []  # written at 07:00, but the window opens at 08:00 WIB

    assert main(["reminders", "run", "--now", "2026-11-27T08:30+07:00"]) == 0
    assert main(["reminders", "run", "--now", "2026-11-27T09:30+07:00"]) == 0
    sent = list_sandbox(redis_client)
    assert [m.to for m in sent] == [EUIS]
    assert sent[0].body.startswith("Yth. Ibu Euis Rahmawati: angsuran Rp582.")
    assert "jatuh tempo 30 Nov 2026. Balas BAYAR 582" in sent[0].body
    assert sent[0].segments == 1


def test_the_due_day_notice_asks_for_payment_on_a_collection_day_even_after_berhenti(
    tmp_path: Path,
    monkeypatch,  # type: ignore[no-untyped-def]
    redis_client: redis.Redis,
) -> None:
    """Due on Monday 30 Nov 2026 (a collection day): 08:00 WIB that day, naming the bank, the amount, BAYAR
    with the figure and the number to call; Euis replied BERHENTI, but the contract requires this notice."""
    url = f"sqlite:///{tmp_path / 'bank.db'}"
    engine = make_engine(url)
    upgrade(engine)
    seed(SqlBank(engine, hasher=FAST_HASHER), CLOCK)
    with Session(engine) as db, db.begin():
        set_opt_out(db, EUIS, True, "BERHENTI", CLOCK)
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("REDIS_URL", redis_test_url())

    assert main(["reminders", "run", "--now", "2026-11-29T09:00+07:00"]) == 0  # Sunday, D-1: she opted out
    assert [m for m in list_sandbox(redis_client) if m.to == EUIS] == []
    assert main(["reminders", "run", "--now", "2026-11-30T08:30+07:00"]) == 0
    (notice,) = [m for m in list_sandbox(redis_client) if m.to == EUIS]
    assert re.fullmatch(
        r"Yth\. Ibu Euis Rahmawati: mohon bayar angsuran Rp582\.\d{3} \(jatuh tempo 30 Nov 2026\): "
        r"BAYAR 582\d{3} / kantor\. Telp 0800-1234-567 PT BPR Bank Desa Sejahtera",
        notice.body,
    ), notice.body
    assert notice.segments == 1 and notice.idempotency_key.endswith(":0")


def test_a_moment_without_a_time_zone_is_refused(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["reminders", "run", "--now", "2026-11-28T08:30"]) == 2
    assert "time zone" in capsys.readouterr().err
