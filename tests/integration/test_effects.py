"""Effects after commit: a USSD repayment's receipt SMS and an application's confirmation go out once, even
when the process dies between the session save and the effect (the sweeper applies what is left).

Real menus, real Redis, the demo bank on SQLite and PostgreSQL; "dying" is the apply step raising.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import redis
from flask import Flask
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from gateway.app import create_app
from gateway.banking.ledger import SqlBank
from gateway.config import Settings
from gateway.effects import GRACE, Effects, count_pending
from gateway.gsm7 import is_gsm7, segments
from gateway.runtime import Runtime, build_runtime
from gateway.storage.sms_tables import OutboxRow
from tests.banking_fixtures import NOW, bank, db_engine, demo_bank, pg_engine, sqlite_engine
from tests.conftest import redis_test_url
from tests.ussd_support import AfricasTalkingPhone

PHONE = "+6281220150101"
PIN = "482915"
REPAY = ["", "3", PIN, "1", PIN]


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def runtime(redis_client: redis.Redis, demo_bank: SqlBank, db_engine: Engine, clock: Clock) -> Runtime:
    """The real menus on the demo bank, on each database (`db_engine` is parametrized)."""
    settings = Settings(
        redis_url=redis_test_url(), database_url="sqlite://", secret_key="test-secret", retry_wait_s=1.0
    )
    return build_runtime(settings, clock=clock, bank=demo_bank, db_engine=db_engine)


@pytest.fixture
def app(runtime: Runtime) -> Flask:
    return create_app(runtime=runtime)


def walk(app: Flask, inputs: list[str], session_id: str = "fx-1") -> list[str]:
    phone = AfricasTalkingPhone(app.test_client(), PHONE, session_id)
    return [phone.dial() if index == 0 else phone.send(entry) for index, entry in enumerate(inputs)]


def outbox(engine: Engine, purpose: str) -> list[OutboxRow]:
    with Session(engine) as db:
        return list(db.scalars(select(OutboxRow).where(OutboxRow.purpose == purpose).order_by(OutboxRow.id)))


def effects_of(runtime: Runtime) -> Effects:
    assert runtime.effects is not None
    return runtime.effects


def test_a_repayment_sends_one_receipt_sms(app: Flask, runtime: Runtime) -> None:
    screens = walk(app, REPAY)
    assert screens[-1].startswith("END Pembayaran berhasil")
    [receipt] = outbox(runtime.db_engine, "receipt")
    assert receipt.to_msisdn == PHONE and receipt.idempotency_key.startswith("receipt:")
    assert "Rp582.083" in receipt.body and "Sisa pinjaman" in receipt.body
    assert is_gsm7(receipt.body) and segments(receipt.body) == 1
    assert receipt.idempotency_key.removeprefix("receipt:") in screens[-1]
    assert count_pending(runtime.redis) == 0, "an applied effect is forgotten"


def test_a_repeated_last_hop_sends_no_second_receipt(app: Flask, runtime: Runtime) -> None:
    phone = AfricasTalkingPhone(app.test_client(), PHONE, "fx-retry")
    phone.dial()
    for entry in REPAY[1:]:
        last = phone.send(entry)
    assert phone.post("*".join(REPAY[1:])) == (200, last), "the aggregator's retry is answered from the store"
    assert len(outbox(runtime.db_engine, "receipt")) == 1


def test_a_crash_after_the_save_leaves_the_receipt_to_the_sweeper_once(
    app: Flask, runtime: Runtime, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    effects = effects_of(runtime)

    def die(_self: Effects, _items: object) -> None:
        raise RuntimeError("killed between the commit and the effect")

    with monkeypatch.context() as patched:
        patched.setattr(Effects, "apply", die)
        screens = walk(app, REPAY)
    assert screens[-1].startswith("END Pembayaran berhasil"), "the customer's reply stands"
    assert outbox(runtime.db_engine, "receipt") == []
    assert count_pending(runtime.redis) == 1, "the effect is durable, saved with the session"

    assert effects.sweep() == 0, "a young effect is left to the hop that may still be applying it"
    clock.now = NOW + GRACE + timedelta(seconds=1)
    assert effects.sweep() == 1
    assert effects.sweep() == 0
    [receipt] = outbox(runtime.db_engine, "receipt")
    assert "Rp582.083" in receipt.body
    assert count_pending(runtime.redis) == 0


def test_an_effect_applied_but_not_forgotten_is_not_sent_twice(
    app: Flask, runtime: Runtime, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The process dies after the outbox row committed and before the pending record was deleted."""
    with monkeypatch.context() as patched:
        patched.setattr(Effects, "forget", lambda _self, _items: None)
        walk(app, REPAY)
    assert count_pending(runtime.redis) == 1
    clock.now = NOW + GRACE * 2
    assert effects_of(runtime).sweep() == 1
    assert len(outbox(runtime.db_engine, "receipt")) == 1, "the outbox's unique key made the second apply a no-op"
    assert count_pending(runtime.redis) == 0


APPLY = ["", "2", "1", "2", "500000", "3000000", "beli sapi perah", "1", "1", "1", "1", "1", PIN]
"""tests/transcripts/ussd/loan_application.yaml's walk."""


def test_a_loan_application_sends_its_confirmation_sms(app: Flask, runtime: Runtime) -> None:
    from gateway.storage.decision_tables import CaseRow

    screens = walk(app, APPLY, "fx-apply")
    assert "kami kirim lewat SMS" in screens[-1], screens
    [sms] = outbox(runtime.db_engine, "application")
    reference = sms.idempotency_key.removeprefix("application:")
    assert reference in screens[-1] and reference in sms.body
    assert "dari pencairan" in sms.body and segments(sms.body) <= 3
    with Session(runtime.db_engine) as db:  # the decisions' effect: the case, to be scored
        assert db.scalar(select(CaseRow.state).where(CaseRow.reference == reference)) == "submitted"


def test_effects_without_a_database_are_not_wired(redis_client: redis.Redis) -> None:
    settings = Settings(redis_url=redis_test_url(), database_url="sqlite://", secret_key="test-secret")
    runtime = build_runtime(settings, bank=object(), db_engine=None)  # type: ignore[arg-type]
    assert runtime.effects is None and runtime.dialog.on_effects is None
