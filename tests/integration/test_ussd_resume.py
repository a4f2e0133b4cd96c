"""Resume over HTTP against the real Redis and the demo bank: the PIN again, today's balance, no money kept."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis

from gateway import redis_keys
from gateway.banking.demo import DAIRY
from gateway.sessions import resumable
from tests.transcript_support import CLOCK, demo_app
from tests.ussd_support import AfricasTalkingPhone, JsonPhone

PIN_PROMPT = "CON Masukkan PIN 6 angka:\n0 Kembali 00 Menu"


@pytest.mark.parametrize("adapter", [AfricasTalkingPhone, JsonPhone])
def test_resume_after_the_pin_asks_again_and_shows_the_balance_of_now(
    adapter: type[AfricasTalkingPhone | JsonPhone], tmp_path: Path, redis_client: redis.Redis
) -> None:
    app = demo_app(tmp_path / "bank.db")
    runtime = app.extensions["jembatan"]
    client = app.test_client()
    first = adapter(client, DAIRY.msisdn, "resume-1")
    first.dial()
    first.send("1")
    first.send("1")
    assert "Rp5.582.917" in first.send(DAIRY.pin or "")
    assert runtime.redis.get(redis_keys.resume(DAIRY.msisdn)) == b"resume-1"  # names the last session
    resume_copy = resumable(runtime.redis.get(redis_keys.session(DAIRY.msisdn, "resume-1")))
    assert resume_copy is not None and not resume_copy.pin_ok
    assert "$m" not in resume_copy.dumps() and "5582917" not in resume_copy.dumps()
    runtime.services.bank.post(DAIRY.msisdn, 250_000, "deposit", "banking.tx.deposit", CLOCK)

    second = adapter(client, DAIRY.msisdn, "resume-2")
    assert second.dial().startswith("CON Lanjutkan sesi sebelumnya?")
    assert second.send("1") == PIN_PROMPT
    balance = second.send(DAIRY.pin or "")
    assert "Rp5.832.917" in balance and "Rp5.582.917" not in balance
