"""SMS `BAYAR`: the receipt (the reply) survives a crash between the bank's commit and the inbox's transaction.

The handler moves the money in the bank's own transaction; the inbox records the reply as a pending effect
before its transaction, so the effects sweeper writes it later, once. Both databases, real Redis.
"""

from __future__ import annotations

import re

import pytest
import redis
from sqlalchemy import Engine

from gateway.banking.ledger import SqlBank
from gateway.effects import GRACE, Effects, count_pending
from gateway.jobs.periodic import PERIODIC_JOBS
from gateway.jobs.tasks import sweep_effects
from gateway.sms.inbox import Inbox
from handlers import REGISTRY
from tests.banking_fixtures import NOW, bank, db_engine, demo_bank, pg_engine, sqlite_engine
from tests.sms_support import Clock, SmsPhone, SmsWorld, make_world, worker_context_reset

PHONE = "+6281220150101"


@pytest.fixture
def clock() -> Clock:
    return Clock(NOW)


@pytest.fixture
def world(
    demo_bank: SqlBank,
    db_engine: Engine,
    redis_client: redis.Redis,
    clock: Clock,
    worker_context_reset: None,
) -> SmsWorld:
    assert demo_bank.set_sms_banking(PHONE, True, NOW)
    made = make_world(db_engine, redis_client, clock, REGISTRY, bank=demo_bank)
    outbox = made.channel.outbox
    effects = Effects(redis_client, outbox.sessions, outbox.queue, clock)
    object.__setattr__(made.channel.inbox, "effects", effects)  # what build_runtime wires
    return made


def effects_of(world: SmsWorld) -> Effects:
    effects = world.channel.inbox.effects
    assert effects is not None
    return effects


def code_for(phone: SmsPhone, command: str) -> str:
    reply = phone.send(command) or ""
    found = re.search(r"Kode (\d{6})", reply)
    assert found is not None, reply
    return found.group(1)


def receipts(world: SmsWorld) -> list[str]:
    return [row.body for row in world.outbox_rows() if row.body.startswith("Pembayaran")]


def test_a_bayar_receipt_lost_to_a_crash_is_sent_by_the_sweeper_once(
    world: SmsWorld, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    phone = SmsPhone(world, PHONE)
    code = code_for(phone, "BAYAR 582083")

    def die(*_args: object) -> None:
        raise RuntimeError("killed between the bank's commit and the inbox's transaction")

    with monkeypatch.context() as patched:
        patched.setattr(Inbox, "_settle", die)
        assert phone.send(f"BAYAR 582083 {code}") is None
    assert receipts(world) == [], "the reply's transaction never committed"
    assert count_pending(world.redis) == 1

    effects = effects_of(world)
    assert effects.sweep() == 0, "young: the inbox may still be committing it"
    clock.advance(seconds=GRACE.total_seconds() + 1)
    assert sweep_effects() == 1, "the periodic job, in a worker (make_world installed its outbox context)"
    assert sweep_effects() == 0
    [receipt] = receipts(world)
    assert re.fullmatch(r"Pembayaran Rp582\.083 berhasil\. Sisa pinjaman Rp[0-9.]+\. Ref [A-Z0-9]+\.", receipt)
    assert count_pending(world.redis) == 0


def test_a_bayar_that_commits_sends_one_receipt_and_forgets_it(world: SmsWorld) -> None:
    phone = SmsPhone(world, PHONE)
    code = code_for(phone, "BAYAR 582083")
    sid = "SM" + "ab" * 16
    assert phone.post(f"BAYAR 582083 {code}", sid).status_code == 200
    assert phone.post(f"BAYAR 582083 {code}", sid).status_code == 200  # the provider's retry: a duplicate
    assert len(receipts(world)) == 1
    assert count_pending(world.redis) == 0
    assert effects_of(world).sweep() == 0


def test_the_scheduler_runs_the_effects_sweeper() -> None:
    assert sweep_effects in [job.func for job in PERIODIC_JOBS]
