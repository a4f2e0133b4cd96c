"""Run golden USSD transcripts through the HTTP endpoints against the real Redis and a seeded database."""

from __future__ import annotations

import dataclasses
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from argon2 import PasswordHasher
from flask import Flask

from gateway.app import create_app
from gateway.banking.demo import DAIRY, DEMO_CUSTOMERS, seed
from gateway.banking.ledger import SqlBank
from gateway.banking.pins import MAX_PIN_ATTEMPTS
from gateway.config import Settings
from gateway.runtime import build_runtime
from gateway.simulator import NEW_PIN, PIN, WRONG_PIN
from gateway.storage.db import make_engine
from gateway.storage.migrate import upgrade
from gateway.transcripts import Transcript
from tests.conftest import ROOT, redis_test_url
from tests.ussd_support import AfricasTalkingPhone, JsonPhone

TRANSCRIPTS = ROOT / "tests" / "transcripts" / "ussd"
CLOCK = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # 09:00 in West Java
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
LOCKING_PIN = "000111"
WILDCARDS = {"<ref>": r"[A-Z0-9]{6,16}"}


def demo_app(database_path: Path, setup: dict[str, Any] | None = None) -> Flask:
    """The real menus on a freshly seeded demo bank. `setup: {leave_balance: {phone: rupiah}}` adjusts it;
    `days_later: N` walks it N days after the seeding (instalments fall overdue, late fees accrue)."""
    url = f"sqlite:///{database_path}"
    engine = make_engine(url)
    upgrade(engine)
    bank = SqlBank(engine, hasher=FAST_HASHER)
    seed(bank, CLOCK)
    for phone, balance in (setup or {}).get("leave_balance", {}).items():
        account = bank.savings_balance(phone)
        assert account is not None, phone
        bank.post(phone, balance - account.balance, "withdrawal", "banking.tx.withdrawal", CLOCK)
    access_setup(bank, setup or {})
    customer_setup(bank, setup or {})
    settings = Settings(redis_url=redis_test_url(), database_url=url, secret_key="test-secret", retry_wait_s=1.0)
    walked_at = CLOCK + timedelta(days=int((setup or {}).get("days_later", 0)))
    runtime = build_runtime(settings, clock=lambda: walked_at, bank=bank, db_engine=engine)
    return create_app(runtime=runtime)


def access_setup(bank: SqlBank, setup: dict[str, Any]) -> None:
    """`locked: [phone]` (three wrong PINs first); `activation: {phone: {code, days_ago}}` (a code the
    branch issued `days_ago` days before the walk); `sms_banking: [phone]` (switched on)."""
    for phone in setup.get("locked", []):
        checks = [bank.verify_pin(phone, LOCKING_PIN).outcome.value for _ in range(MAX_PIN_ATTEMPTS)]
        assert checks[-1] == "locked", phone
    for phone, issued in setup.get("activation", {}).items():
        when = CLOCK - timedelta(days=int(issued.get("days_ago", 0)))
        assert bank.issue_activation(phone, when, str(issued["code"])) is not None, phone
    for phone in setup.get("sms_banking", []):
        assert bank.set_sms_banking(phone, True, CLOCK), phone


REDIAL = "<REDIAL>"
"""A transcript input: the call dropped and the phone dials again, in a new session (a new session id)."""


def redialled(phone: AfricasTalkingPhone | JsonPhone) -> AfricasTalkingPhone | JsonPhone:
    return dataclasses.replace(phone, session_id=f"{phone.session_id}-redial")


def customer_setup(bank: SqlBank, setup: dict[str, Any]) -> None:
    """`customers: [{phone, name, pin}]`: more customers beside the demo ones (a dairy farmer in West Java)."""
    for who in setup.get("customers", []):
        phone = _e164(str(who["phone"]))
        bank.add_customer(phone, str(who["name"]), DAIRY.tz, "id", CLOCK - timedelta(days=30), value_chain="dairy")
        if who.get("pin"):
            bank.register_pin(phone, str(who["pin"]))


def screen_pattern(expected: str) -> re.Pattern[str]:
    pattern = re.escape(expected)
    for token, regex in WILDCARDS.items():
        pattern = pattern.replace(re.escape(token), regex)
    return re.compile(pattern + r"\Z")


def replay(app: Flask, transcript: Transcript, adapter: str, session_id: str) -> list[tuple[str, str, str]]:
    """(input, expected, got) for every turn that differs."""
    client = app.test_client()
    if transcript.lang:
        app.extensions["jembatan"].store.remember_language(
            transcript.turns and _e164(transcript.phone), transcript.lang
        )
    phone = (AfricasTalkingPhone if adapter == "africastalking" else JsonPhone)(client, transcript.phone, session_id)
    differences = []
    for index, turn in enumerate(transcript.turns):
        phone = redialled(phone) if turn.input == REDIAL else phone
        if index == 0 or turn.input == REDIAL:
            got = phone.dial()
        else:
            got = phone.send(typed_input(turn.input, transcript.phone))
        expected = f"{'END' if turn.end else 'CON'} {turn.screen}"
        if not screen_pattern(expected).match(got):
            differences.append((turn.input, expected, got))
        if turn.sms is not None:
            differences.extend(sms_differences(app, turn.input, turn.sms, _e164(transcript.phone)))
    return differences


def sms_differences(app: Flask, entry: str, expected: list[str], msisdn: str) -> list[tuple[str, str, str]]:
    """`sms:` of a turn: the outbox's bodies for the phone, oldest first, each matched like a screen."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from gateway.storage.sms_tables import OutboxRow

    with Session(app.extensions["jembatan"].db_engine) as db:
        got = list(db.scalars(select(OutboxRow.body).where(OutboxRow.to_msisdn == msisdn).order_by(OutboxRow.id)))
    same = len(got) == len(expected) and all(screen_pattern(e).match(g) for e, g in zip(expected, got, strict=True))
    return [] if same else [(f"{entry} (sms)", "\n---\n".join(expected), "\n---\n".join(got))]


REPLAY_NEW_PIN = "246813"
"""What a recorded `<NEW_PIN>` is replayed as (gateway/simulator.py records PINs as placeholders)."""


def typed_input(recorded: str, phone: str) -> str:
    """A recorded input as the phone types it: `<PIN>` is the demo customer's PIN, `<WRONG_PIN>` another,
    `<NEW_PIN>` REPLAY_NEW_PIN."""
    if recorded == NEW_PIN:
        return REPLAY_NEW_PIN
    if recorded not in (PIN, WRONG_PIN):
        return recorded
    pin = next((c.pin for c in DEMO_CUSTOMERS if c.msisdn == _e164(phone) and c.pin), None)
    assert pin is not None, f"{recorded} in a transcript for {phone}, which is not a demo customer with a PIN"
    return pin if recorded == PIN else f"{(int(pin) + 1) % 1_000_000:06d}"


def _e164(phone: str) -> str:
    from gateway.phones import normalize_msisdn

    return normalize_msisdn(phone)


def transcript_files() -> list[Path]:
    return sorted(TRANSCRIPTS.glob("*.yaml"))
