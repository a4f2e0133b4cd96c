"""The outbox end to end: queue_sms, enqueue_outbox, RQ jobs in a burst worker, the real twilio library
against the fake Twilio, and the sweeper after workers that died at each step. SQLite and PostgreSQL."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import timedelta

import pytest
import redis
from sqlalchemy import Engine

from gateway.jobs import install_worker_context, requeue_pending_outbox, sweep_outbox
from gateway.sms.lanes import SendLanes
from gateway.sms.outbox import enqueue_outbox, is_opted_out, queue_sms, set_opt_out
from gateway.sms.rate_limit import TokenBucket
from gateway.sms.send_hooks import StillWantedHooks
from gateway.sms.sender import claim
from gateway.sms.twilio_provider import TwilioProvider
from gateway.storage.sms_tables import OutboxStatus
from tests.banking_fixtures import db_engine, pg_engine, sqlite_engine
from tests.fakes.twilio_server import FakeTwilio
from tests.sms_support import (
    CUSTOMER,
    PUBLIC_URL,
    Clock,
    SmsWorld,
    clock,
    fake_twilio,
    make_world,
    worker_context_reset,
)

BODY = "Angsuran Rp500.000 jatuh tempo 7 Des 2025."


@pytest.fixture
def world(
    db_engine: Engine,
    redis_client: redis.Redis,
    clock: Clock,
    fake_twilio: FakeTwilio,
    worker_context_reset: None,
) -> SmsWorld:
    return make_world(db_engine, redis_client, clock, {}, fake=fake_twilio)


def write(world: SmsWorld, key: str = "receipt:1", **options: object) -> int:
    with world.session() as db, db.begin():
        return queue_sms(
            db,
            to=CUSTOMER,
            body=BODY,
            purpose=str(options.pop("purpose", "receipt")),
            key=key,
            now=world.clock(),
            **options,
        )  # type: ignore[arg-type]


def sends(world: SmsWorld) -> int:
    assert world.fake is not None
    return len(world.fake.requests)


def test_a_message_goes_out_once_with_its_window_and_callback(world: SmsWorld) -> None:
    outbox_id = write(world, expires_at=world.clock() + timedelta(minutes=30))
    enqueue_outbox(world.channel.outbox.queue, [outbox_id])
    enqueue_outbox(world.channel.outbox.queue, [outbox_id, outbox_id])  # a duplicate enqueue
    world.work()
    assert world.fake is not None
    (request,) = world.fake.requests
    assert request.form["ValidityPeriod"] == "1800"
    assert request.form["StatusCallback"] == f"{PUBLIC_URL}/sms/twilio/status?outbox={outbox_id}"
    row = world.outbox(outbox_id)
    assert (row.status, row.attempts, row.provider) == ("sent", 1, "twilio")
    assert row.provider_id == world.fake.messages[0]["sid"]


def test_429_waits_then_succeeds(world: SmsWorld) -> None:
    assert world.fake is not None
    # The sending threads' pause (Retry-After) runs on the test's clock, so the test does not wait 45 s.
    bucket = TokenBucket(0, clock=lambda: world.clock().timestamp(), sleep=time.sleep)
    install_worker_context(replace(world.channel.outbox, lanes=SendLanes(1, bucket)))
    world.fake.fail_next(1, status=429, retry_after="45")
    outbox_id = write(world)
    enqueue_outbox(world.channel.outbox.queue, [outbox_id])
    world.work()
    row = world.outbox(outbox_id)
    assert (row.status, row.attempts, row.error_code) == ("pending", 1, "20429")
    assert row.not_before == world.clock() + timedelta(seconds=45)  # Retry-After beats the first backoff
    assert requeue_pending_outbox() == 0  # not yet due
    world.clock.advance(seconds=46)
    assert requeue_pending_outbox() == 1
    world.work()
    assert (world.outbox(outbox_id).status, world.outbox(outbox_id).attempts) == ("sent", 2)
    assert sends(world) == 2


def test_retries_end_after_max_attempts(world: SmsWorld) -> None:
    assert world.fake is not None
    install_worker_context(replace(world.channel.outbox, max_attempts=2))
    world.fake.fail_next(2, status=503)
    outbox_id = write(world)
    enqueue_outbox(world.channel.outbox.queue, [outbox_id])
    world.work()
    world.clock.advance(minutes=5)
    requeue_pending_outbox()
    world.work()
    assert (world.outbox(outbox_id).status, world.outbox(outbox_id).error_code) == ("failed", "503")


@pytest.mark.parametrize(("code", "opted_out"), [(21211, False), (21614, False), (21610, True)])
def test_permanent_errors_fail_without_retry(world: SmsWorld, code: int, opted_out: bool) -> None:
    assert world.fake is not None
    world.fake.fail_next(1, status=400, code=code)
    outbox_id = write(world)
    enqueue_outbox(world.channel.outbox.queue, [outbox_id])
    world.work()
    world.clock.advance(hours=1)
    assert requeue_pending_outbox() == 0
    row = world.outbox(outbox_id)
    assert (row.status, row.error_code, sends(world)) == ("failed", str(code), 1)
    with world.session() as db:
        assert is_opted_out(db, CUSTOMER) is opted_out


def test_an_expired_message_is_not_sent(world: SmsWorld) -> None:
    outbox_id = write(world, expires_at=world.clock() + timedelta(minutes=1))
    world.clock.advance(minutes=2)
    enqueue_outbox(world.channel.outbox.queue, [outbox_id])
    world.work()
    assert (world.outbox(outbox_id).status, sends(world)) == ("expired", 0)


def test_opted_out_numbers_get_only_what_the_contract_requires(world: SmsWorld) -> None:
    with world.session() as db, db.begin():
        set_opt_out(db, CUSTOMER, True, "BERHENTI", world.clock())
    optional = write(world, key="promo:1")
    required = write(world, key="contract:1", required_by_contract=True)
    enqueue_outbox(world.channel.outbox.queue, [optional, required])
    world.work()
    assert world.outbox(optional).status == "suppressed"
    assert world.outbox(required).status == "sent"
    assert sends(world) == 1


def test_a_feature_may_cancel_at_the_last_moment(world: SmsWorld) -> None:
    seen: list[int] = []

    def paid_meanwhile(db: object, outbox_id: int, now: object) -> bool:
        seen.append(outbox_id)
        return False

    hooks = StillWantedHooks(paths={}, functions={"reminder": paid_meanwhile})
    install_worker_context(replace(world.channel.outbox, hooks=hooks))
    reminder, receipt = write(world, key="r:1", purpose="reminder"), write(world, key="x:1")
    enqueue_outbox(world.channel.outbox.queue, [reminder, receipt])
    world.work()
    assert seen == [reminder]
    assert (world.outbox(reminder).status, world.outbox(receipt).status) == ("cancelled", "sent")


def test_a_crash_between_commit_and_enqueue_loses_nothing(world: SmsWorld) -> None:
    outbox_id = write(world)  # never enqueued
    assert requeue_pending_outbox() == 0  # the writer is presumed to enqueue it
    world.clock.advance(minutes=3)
    assert requeue_pending_outbox() == 1
    world.work()
    assert (world.outbox(outbox_id).status, sends(world)) == ("sent", 1)


def test_a_worker_killed_between_claim_and_send(world: SmsWorld) -> None:
    outbox_id = write(world)
    with world.session() as db, db.begin():
        assert claim(db, "twilio", outbox_id, world.clock()) is not None  # ... and then the worker died
    enqueue_outbox(world.channel.outbox.queue, [outbox_id])
    world.work()
    assert (world.outbox(outbox_id).status, sends(world)) == ("sending", 0)  # nobody else may take it
    world.clock.advance(minutes=6)
    assert sweep_outbox() == {"requeued": 1}
    world.work()
    assert (world.outbox(outbox_id).status, sends(world)) == ("sent", 1)


def test_a_worker_killed_after_the_provider_accepted(world: SmsWorld) -> None:
    assert world.fake is not None
    outbox_id = write(world)
    with world.session() as db, db.begin():
        claimed = claim(db, "twilio", outbox_id, world.clock())
    assert claimed is not None
    result = world.channel.outbox.provider.send(CUSTOMER, BODY, idempotency_key=claimed.key)  # then it died
    world.clock.advance(minutes=6)
    assert sweep_outbox() == {"found": 1}
    world.work()
    row = world.outbox(outbox_id)
    assert (row.status, row.provider_id, sends(world)) == ("sent", result.provider_id, 1)


HELD_S = 60.0
"""How long the fake holds its answer to the first send: far beyond the sender's 0.3 s, so that read times out
however busy the machine is (the fake lets go when the test ends; nothing waits for it)."""
ACCEPT_WAIT_S = 10.0


def accepted(fake: FakeTwilio, count: int) -> None:
    """Until the fake has recorded `count` messages: it may read a request after its client has given up."""
    deadline = time.monotonic() + ACCEPT_WAIT_S
    while len(fake.messages) < count:
        assert time.monotonic() < deadline, f"the fake did not record {count} message(s) in {ACCEPT_WAIT_S:.0f} s"
        time.sleep(0.01)


def test_a_read_timeout_is_resolved_without_a_second_send(world: SmsWorld) -> None:
    """Deterministic under load: the send's read always times out (the answer is held, not merely late), the
    sweep looks only once the provider has the message, and the lookup itself uses the normal timeout."""
    fake = world.fake
    assert fake is not None
    impatient = TwilioProvider(
        fake.account_sid, fake.auth_token, from_="+15005550006", api_base_url=fake.base_url, timeout_s=0.3
    )
    install_worker_context(replace(world.channel.outbox, provider=impatient))
    fake.delay_next(1, HELD_S)
    outbox_id = write(world)
    enqueue_outbox(world.channel.outbox.queue, [outbox_id])
    world.work()
    assert world.outbox(outbox_id).status == "sending"
    accepted(fake, 1)
    install_worker_context(world.channel.outbox)
    world.clock.advance(minutes=6)
    assert sweep_outbox() == {"found": 1}
    assert world.outbox(outbox_id).provider_id == fake.messages[0]["sid"]
    assert world.outbox(outbox_id).status == OutboxStatus.SENT.value
    assert len(fake.requests) == 1
    impatient.close()
