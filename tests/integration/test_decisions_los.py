"""The hand-off to a loan origination system: signed, retried with backoff while it is down, each application
delivered exactly once when it is back, its state in `applications show`; the signed callback decides."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from gateway.banking.demo import DAIRY, SEAWEED
from gateway.banking.ledger import SqlBank
from gateway.decisions import jobs, los, views
from gateway.decisions.desk import DecisionError, Desk, LosConfig
from gateway.decisions.model import Actor
from gateway.decisions.scoring import score
from tests.banking_fixtures import bank, db_engine, demo_bank, pg_engine, sqlite_engine
from tests.decision_support import Clock, FixedScorer, add_staff_members, make_desk, sms_to, submit
from tests.fakes.los_server import FakeLos, free_port

SECRET = "los-test-secret"
AUDITOR = Actor("citra", "auditor")


@pytest.fixture
def clock() -> Clock:
    return Clock()


def _desk(bank: SqlBank, clock: Clock, url: str) -> Desk:
    made = make_desk(bank, clock, FixedScorer(), LosConfig(url, SECRET))
    add_staff_members(made)
    return made


def test_an_los_that_is_down_gets_each_application_once_it_is_back(demo_bank: SqlBank, clock: Clock) -> None:
    port = free_port()
    desk = _desk(demo_bank, clock, f"http://127.0.0.1:{port}/los/applications")
    first = submit(demo_bank, desk, DAIRY.msisdn, "dairy_cow", 5_000_000, 12, consent=True)
    second = submit(demo_bank, desk, SEAWEED.msisdn, "seaweed_harvest", 2_000_000, 6, consent=False)
    score(desk, first)
    score(desk, second)
    jobs.install_desk(desk)
    try:
        swept = jobs.sweep_decisions()  # the demo's own application is scored too: three in all
        assert swept == {"scored": 1, "delivered": 0, "retry": 3}  # nothing listens on the port
        shown = views.application_detail(desk, AUDITOR, first)["loan_system"]
        assert shown["state"] == "pending" and shown["attempts"] == 1 and shown["last_error"] == "ConnectionError"
        assert jobs.sweep_decisions()["retry"] == 0  # backing off: not due yet
        with FakeLos(SECRET, port=port) as server:
            clock.advance(timedelta(minutes=1))
            assert jobs.sweep_decisions()["delivered"] == 3
            clock.advance(timedelta(hours=1))
            assert jobs.sweep_decisions() == {"scored": 0, "delivered": 0, "retry": 0}
            assert los.deliver(desk, first) == "skipped"  # delivered: a stray job sends nothing
        delivered = [body["reference"] for body in server.received]
        assert len(delivered) == 3 and len(set(delivered)) == 3 and {first, second} < set(delivered)
        assert sorted(server.keys) == sorted(delivered) and server.unsigned == 0
        sent = next(body for body in server.received if body["reference"] == first)
        assert sent["consent"] is True and sent["assessment"]["outcome"] == "refer" and sent["amount"] == 5_000_000
        shown = views.application_detail(desk, AUDITOR, first)["loan_system"]
        assert shown["state"] == "delivered" and shown["attempts"] == 2 and shown["delivered_at"] is not None
    finally:
        jobs.install_desk(None)


def test_signatures_and_their_time_window() -> None:
    clock = Clock()
    body = b'{"reference":"PJX","decision":"approve"}'
    headers = los.signed_headers(SECRET, body, clock())
    stamp, signature = headers[los.TIMESTAMP_HEADER], headers[los.SIGNATURE_HEADER]
    assert los.verify(SECRET, stamp, signature, body, clock())
    assert not los.verify(SECRET, stamp, signature, body + b" ", clock())
    assert not los.verify("another-secret", stamp, signature, body, clock())
    assert not los.verify(SECRET, stamp, signature, body, clock() + timedelta(minutes=6))
    assert not los.verify(SECRET, None, signature, body, clock())
    assert not los.verify(SECRET, "not-a-number", signature, body, clock())
    assert not los.verify("", stamp, signature, body, clock())


def test_the_loan_system_decides_instead_of_an_officer(demo_bank: SqlBank, clock: Clock) -> None:
    desk = _desk(demo_bank, clock, "http://127.0.0.1:9/unused")
    approved = submit(demo_bank, desk, DAIRY.msisdn, "dairy_cow", 5_000_000, 12, consent=True)
    declined = submit(demo_bank, desk, SEAWEED.msisdn, "seaweed_harvest", 2_000_000, 6, consent=True)
    score(desk, approved)
    score(desk, declined)
    assert los.callback(desk, {"reference": approved, "decision": "approve"})["state"] == "disbursed"
    assert los.callback(desk, {"reference": declined, "decision": "decline", "reason_code": "existing_debt"})
    detail = views.application_detail(desk, AUDITOR, declined)
    assert detail["state"] == "declined" and detail["decisions"][-1]["kind"] == "loan_system"
    assert detail["audit"][-1]["actor"] == "loan_system"
    assert "tidak disetujui" in sms_to(desk, SEAWEED.msisdn)[-1]
    for bad in ([], {"reference": approved}, {"reference": approved, "decision": "approve", "payout": "gold"}):
        with pytest.raises(DecisionError) as refused:
            los.callback(desk, bad)
        assert refused.value.code in ("bad_request", "conflict")


def test_the_callback_endpoint_refuses_what_is_not_signed(demo_bank: SqlBank, clock: Clock) -> None:
    from flask import Flask

    from gateway.decisions import web

    desk = _desk(demo_bank, clock, "http://127.0.0.1:9/unused")
    reference = submit(demo_bank, desk, DAIRY.msisdn, "dairy_cow", 5_000_000, 12, consent=True)
    score(desk, reference)
    app = Flask(__name__)
    app.extensions[web.EXTENSION] = desk
    app.register_blueprint(web.bp)
    client = app.test_client()
    body = json.dumps({"reference": reference, "decision": "decline", "reason_code": "income_too_low"}).encode()
    assert client.post("/api/los/callback", data=body).status_code == 401
    stale = los.signed_headers(SECRET, body, clock() - timedelta(minutes=10))
    assert client.post("/api/los/callback", data=body, headers=stale).status_code == 401
    forged = los.signed_headers("wrong", body, clock())
    assert client.post("/api/los/callback", data=body, headers=forged).status_code == 401
    garbage = b"\xff\xfe not json"
    assert (
        client.post("/api/los/callback", data=garbage, headers=los.signed_headers(SECRET, garbage, clock())).status_code
        == 400
    )
    answer = client.post("/api/los/callback", data=body, headers=los.signed_headers(SECRET, body, clock()))
    assert answer.status_code == 200 and answer.get_json() == {"reference": reference, "state": "declined"}
    again = client.post("/api/los/callback", data=body, headers=los.signed_headers(SECRET, body, clock()))
    assert again.status_code == 409


def test_the_hand_off_needs_a_url_and_a_secret_that_is_not_guessable() -> None:
    from gateway.config import Settings
    from gateway.decisions.wiring import los_config

    assert los_config(Settings()) is None
    assert los_config(Settings(los_webhook_url="https://los.example/in", los_webhook_secret="short")) is None
    made = los_config(Settings(los_webhook_url="https://los.example/in", los_webhook_secret="s" * 32))
    assert made == LosConfig("https://los.example/in", "s" * 32)
    assert Settings.from_env({"LOS_WEBHOOK_URL": "https://los.example/in"}).los_webhook_url == "https://los.example/in"
