"""Security of the SMS channel (issue 9, items 3 to 5): what a security officer would point at.

- the sandbox (codes, balances in clear) answers only in development mode and to loopback callers;
- production mode refuses to start unsafely: create_app, the worker, the scheduler and gunicorn;
- one-time codes are masked in the outbox in every state a message can end in;
- no code is issued (or counted) for an opted-out number;
- the aggregator credential and phone numbers never reach a log line (ours, werkzeug's, gunicorn's).
"""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta

import pytest
import redis
import requests
from sqlalchemy import Engine, func, select
from werkzeug.serving import make_server

from gateway import redis_keys
from gateway.app import create_app
from gateway.banking.ledger import SqlBank
from gateway.config import DEV_SECRET, Settings
from gateway.jobs import purge_messages_job
from gateway.logs import FORMAT, MaskingFormatter
from gateway.safety import UnsafeSettings, problems
from gateway.sms.outbox import queue_sms, set_opt_out
from gateway.sms.retention import PURGED_BODY, purge_messages
from gateway.sms.send_hooks import StillWantedHooks
from gateway.sms.sender import send_one
from gateway.storage.sms_tables import InboundMessageRow
from tests.banking_fixtures import FAST_HASHER, db_engine, pg_engine, sqlite_engine
from tests.conftest import ROOT
from tests.fakes.twilio_server import FakeTwilio
from tests.sms_support import (
    AGGREGATOR_SECRET,
    CUSTOMER,
    Clock,
    SmsPhone,
    SmsWorld,
    clock,
    fake_twilio,
    make_world,
    worker_context_reset,
)

CODE_BODY = "Kode 276211 untuk SALDO. Berlaku 5 menit."
LONG_CREDENTIAL = "aggregator-credential-0123456789"
SAFE = {
    "jembatan_env": "production",
    "secret_key": "s" * 40,
    "pin_pepper": "p" * 40,
    "twilio_account_sid": "AC" + "1" * 32,
    "twilio_auth_token": "t" * 32,
    "twilio_from": "+15005550006",
    "public_url": "https://bank.example.id",
    "aggregator_credential": LONG_CREDENTIAL,
}


@pytest.fixture
def world(
    db_engine: Engine,
    redis_client: redis.Redis,
    clock: Clock,
    fake_twilio: FakeTwilio,
    worker_context_reset: None,
) -> SmsWorld:
    world = make_world(
        db_engine, redis_client, clock, {}, bank=SqlBank(db_engine, hasher=FAST_HASHER), fake=fake_twilio
    )
    world.channel.inbox.dispatcher.services.bank.add_customer(CUSTOMER, "Ibu Siti", "Asia/Jakarta", "id", clock())
    return world


def sandbox_world(engine: Engine, client: redis.Redis, now: Clock, **settings: object) -> SmsWorld:
    return make_world(engine, client, now, {}, bank=SqlBank(engine, hasher=FAST_HASHER), **settings)


# The sandbox


def test_the_sandbox_answers_loopback_callers_in_development(
    db_engine: Engine,
    redis_client: redis.Redis,
    clock: Clock,
    worker_context_reset: None,
) -> None:
    world = sandbox_world(db_engine, redis_client, clock)
    for address in ("127.0.0.1", "::1"):
        assert world.client.get("/sms/sandbox", environ_base={"REMOTE_ADDR": address}).status_code == 200
    for address in ("10.0.0.7", "192.168.1.20", "2001:db8::1", "127.0.0.2"):
        assert world.client.get("/sms/sandbox", environ_base={"REMOTE_ADDR": address}).status_code == 404


def test_the_sandbox_is_closed_in_production_mode(
    db_engine: Engine,
    redis_client: redis.Redis,
    clock: Clock,
    worker_context_reset: None,
) -> None:
    world = sandbox_world(db_engine, redis_client, clock, jembatan_env="production")
    assert world.client.get("/sms/sandbox").status_code == 404


def test_the_sandbox_is_closed_when_a_real_provider_sends(world: SmsWorld) -> None:
    assert world.client.get("/sms/sandbox").status_code == 404


# Refusing to start


@pytest.mark.parametrize(
    "change, named",
    [
        ({"secret_key": DEV_SECRET}, "SECRET_KEY"),
        ({"pin_pepper": DEV_SECRET}, "PIN_PEPPER"),
        ({"public_url": ""}, "PUBLIC_URL"),
        ({"twilio_account_sid": "", "twilio_auth_token": "", "twilio_from": ""}, "SMS_PROVIDER is the sandbox"),
        ({"sms_provider": "sandbox"}, "SMS_PROVIDER is the sandbox"),
        ({"aggregator_credential": "short-secret"}, "AGGREGATOR_CREDENTIAL"),
        ({"sms_provider": "aggregator"}, "AGGREGATOR_SEND_URL"),
        ({"jembatan_env": "prod"}, "JEMBATAN_ENV"),
    ],
)
def test_each_unsafe_production_setting_is_one_line_naming_it(change: dict[str, str], named: str) -> None:
    with pytest.raises(UnsafeSettings) as refused:
        create_app(config={**SAFE, **change})
    (line,) = refused.value.problems
    assert named in line and ": set" in line and "\n" not in line
    assert line in str(refused.value)


def test_every_problem_is_listed_at_once() -> None:
    with pytest.raises(UnsafeSettings) as refused:
        create_app(
            config={
                "jembatan_env": "production",
                "secret_key": DEV_SECRET,
                "twilio_auth_token": "t" * 32,
                "aggregator_credential": "short",
            }
        )
    assert len(refused.value.problems) == 4  # SECRET_KEY, sandbox, PUBLIC_URL, AGGREGATOR_CREDENTIAL


def test_safe_production_settings_and_development_mode_start() -> None:
    assert problems(Settings().with_overrides(SAFE)) == []
    aggregator_only = {
        **SAFE,
        "twilio_account_sid": "",
        "twilio_auth_token": "",
        "twilio_from": "",
        "aggregator_send_url": "https://sms.example.id/send",
        "aggregator_userid": "bank",
    }
    assert problems(Settings().with_overrides(aggregator_only)) == []
    assert problems(Settings(secret_key=DEV_SECRET, aggregator_credential="short")) == []  # development


def production_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "AGGREGATOR_", "SMS_"))}
    return {
        **env,
        "JEMBATAN_ENV": "production",
        "SECRET_KEY": DEV_SECRET,
        "REDIS_URL": "redis://127.0.0.1:1/0",
        **extra,
    }


@pytest.mark.parametrize("module", ["gateway.jobs.worker", "gateway.jobs.scheduler"])
def test_the_worker_and_the_scheduler_refuse_before_working(module: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", module], env=production_env(), cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode != 0
    assert "SECRET_KEY is the development default: set SECRET_KEY" in done.stderr
    assert "Traceback" not in done.stderr


def test_gunicorn_shows_the_refusal_and_exits(tmp_path: object) -> None:
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    done = subprocess.run(
        [gunicorn, "--bind", "127.0.0.1:0", "--no-control-socket", "gateway.app:create_app()"],
        env=production_env(),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0
    assert "SECRET_KEY is the development default: set SECRET_KEY" in done.stderr


# One-time codes at rest


def code_row(world: SmsWorld, key: str, *, expires_in: timedelta = timedelta(minutes=5)) -> int:
    now = world.clock()
    with world.session() as db, db.begin():
        return queue_sms(
            db, to=CUSTOMER, body=CODE_BODY, purpose="auth_code", key=key, now=now, expires_at=now + expires_in
        )


def assert_masked(world: SmsWorld, outbox_id: int, status: str) -> None:
    row = world.outbox(outbox_id)
    assert row.status == status
    assert "276211" not in row.body and "******" in row.body


def test_a_code_is_masked_once_sent_and_when_the_report_beats_the_worker(world: SmsWorld) -> None:
    sent = code_row(world, "code-sent")
    assert send_one(world.channel.outbox, sent) == "sent"
    assert_masked(world, sent, "sent")


def test_a_code_is_masked_when_suppressed(world: SmsWorld) -> None:
    with world.session() as db, db.begin():
        set_opt_out(db, CUSTOMER, True, "STOP", world.clock())
    assert_masked(world, code_row(world, "code-suppressed"), "suppressed")


def test_a_code_is_masked_when_the_provider_refuses_it(world: SmsWorld) -> None:
    assert world.fake is not None
    world.fake.fail_next(1, status=400, code=21211)
    failed = code_row(world, "code-refused")
    assert send_one(world.channel.outbox, failed) == "failed"
    assert_masked(world, failed, "failed")


def test_a_code_is_masked_when_retries_run_out(world: SmsWorld) -> None:
    assert world.fake is not None
    world.fake.fail_next(1, status=500)
    failed = code_row(world, "code-retries")
    assert send_one(replace(world.channel.outbox, max_attempts=1), failed) == "failed"
    assert_masked(world, failed, "failed")


def test_a_code_is_masked_when_it_expires_or_is_cancelled(world: SmsWorld) -> None:
    expired = code_row(world, "code-expired", expires_in=timedelta(seconds=-1))
    assert send_one(world.channel.outbox, expired) == "expired"
    assert_masked(world, expired, "expired")
    cancelled = code_row(world, "code-cancelled")
    unwanted = StillWantedHooks(functions={"auth_code": lambda db, outbox_id, now: False})
    assert send_one(replace(world.channel.outbox, hooks=unwanted), cancelled) == "cancelled"
    assert_masked(world, cancelled, "cancelled")


def test_a_pending_code_past_its_validity_is_masked_by_the_purge(world: SmsWorld) -> None:
    stuck = code_row(world, "code-never-sent")
    done = purge_messages(world.channel.outbox.sessions, world.clock() + timedelta(hours=1), timedelta(days=30))
    assert done["codes"] == 1 and "276211" not in world.outbox(stuck).body


def test_no_code_for_an_opted_out_number(world: SmsWorld) -> None:
    bank = world.channel.inbox.dispatcher.services.bank
    bank.set_sms_banking(CUSTOMER, True, world.clock())
    phone = SmsPhone(world)
    phone.send("STOP")
    assert phone.send("SALDO") is None
    assert world.redis.exists(redis_keys.sms_codes_issued(CUSTOMER), redis_keys.sms_code(CUSTOMER)) == 0
    with world.session() as db:
        outcomes = list(db.scalars(select(InboundMessageRow.outcome).order_by(InboundMessageRow.id)))
    assert outcomes == ["opted_out", "code_opted_out"]
    assert [row.purpose for row in world.outbox_rows()] == ["opt_out"]


# Retention


def test_message_bodies_are_purged_after_the_retention_period(world: SmsWorld) -> None:
    SmsPhone(world).send("BANTUAN")
    world.work()
    later: datetime = world.clock() + timedelta(days=31)
    assert purge_messages(world.channel.outbox.sessions, later, timedelta(days=30)) == {
        "outbound": 1,
        "inbound": 1,
        "codes": 0,
    }
    (row,) = world.outbox_rows()
    assert row.body == PURGED_BODY and row.status == "sent"
    with world.session() as db:
        assert db.scalar(select(func.count()).where(InboundMessageRow.body == PURGED_BODY)) == 1
    assert purge_messages(world.channel.outbox.sessions, later, timedelta(days=30))["outbound"] == 0


def test_recent_bodies_are_kept(world: SmsWorld) -> None:
    SmsPhone(world).send("BANTUAN")
    world.work()
    done = purge_messages(world.channel.outbox.sessions, world.clock() + timedelta(days=29), timedelta(days=30))
    assert done == {"outbound": 0, "inbound": 0, "codes": 0}
    assert purge_messages_job() == {"outbound": 0, "inbound": 0, "codes": 0}  # the scheduler's run, in this worker
    world.clock.advance(days=31)
    assert purge_messages_job() == {"outbound": 1, "inbound": 1, "codes": 0}


# Logs


@pytest.fixture
def log_text() -> Iterator[io.StringIO]:
    """Everything logged meanwhile, through the gateway's masking formatter (as in production)."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(MaskingFormatter(FORMAT))
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield buffer
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)


def test_the_credential_and_numbers_never_reach_our_or_werkzeugs_log(world: SmsWorld, log_text: io.StringIO) -> None:
    server = make_server("127.0.0.1", 0, world.client.application, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        params = {
            "original": "081234567890",
            "sendto": "9123",
            "messageid": "log-1",
            "message": "BANTUAN",
            "credential": AGGREGATOR_SECRET,
        }
        assert requests.get(f"{base}/sms/aggregator", params=params, timeout=10).text == "000"
        wrong = {**params, "credential": "wrong-credential-value"}
        assert requests.get(f"{base}/sms/aggregator", params=wrong, timeout=10).status_code == 403
        report = {"status": "10", "messageid": "x", "credential": AGGREGATOR_SECRET}
        assert requests.get(f"{base}/sms/aggregator/delivered", params=report, timeout=10).status_code == 200
    finally:
        server.shutdown()
        thread.join(timeout=5)
    text = log_text.getvalue()
    assert "/sms/aggregator" in text  # werkzeug's request lines are there ...
    for secret in (AGGREGATOR_SECRET, "wrong-credential-value", "081234567890", "6281234567890"):
        assert secret not in text  # ... without the credential or the number


def test_gunicorn_masks_its_own_error_and_access_logs() -> None:
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    command = [
        gunicorn,
        "--bind",
        "127.0.0.1:0",
        "--no-control-socket",
        "--access-logfile",
        "-",
        "--log-level",
        "info",
        "tests.fakes.plain_wsgi:app",
    ]
    with subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True) as proc:
        try:
            port = _listening_port(proc)
            bad = b"GET /sms/aggregator?original=6281234567890&credential=" + LONG_CREDENTIAL.encode() + b"\r\n\r\n"
            _raw_request(port, bad)
            requests.get(
                f"http://127.0.0.1:{port}/sms/aggregator",
                params={"original": "+14155550123", "credential": LONG_CREDENTIAL},
                timeout=10,
            )
        finally:
            proc.terminate()
        output = proc.communicate(timeout=30)[0]
    assert "Invalid HTTP request line" in output and "GET /sms/aggregator HTTP/1.1" in output
    for secret in (LONG_CREDENTIAL, "6281234567890", "14155550123"):
        assert secret not in output


def _listening_port(proc: subprocess.Popen[str]) -> int:
    assert proc.stdout is not None
    for line in proc.stdout:
        if "Listening at: http://127.0.0.1:" in line:
            return int(line.rsplit(":", 1)[1].split()[0])
    raise AssertionError("gunicorn did not start")


def _raw_request(port: int, data: bytes) -> None:
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(data)
        conn.recv(1024)
