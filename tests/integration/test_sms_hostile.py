"""The SMS endpoints under hostile input and outages (issue 8), on SQLite and PostgreSQL.

- NUL bytes in any aggregator field: stored cleaned, or an id refused with 400; never a 5xx (a 5xx makes
  the aggregator retry the poison message for ever).
- Message ids are stored whole up to MAX_MESSAGE_ID_CHARS; longer ones get 400, never a cut that turns
  two messages into one.
- Numbers from the wire are ASCII digits only (`ErrorCode=²`).
- A message that cannot be stored durably (database or Redis down) gets 503, one log line per cause.
"""

from __future__ import annotations

import logging
import socket
from dataclasses import replace
from pathlib import Path

import pytest
import redis
from flask import Flask
from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.orm import sessionmaker

from gateway.banking.ledger import SqlBank
from gateway.engine.api import Handler
from gateway.sessions import SessionStore
from gateway.sms.inbound import MAX_MESSAGE_ID_CHARS
from gateway.sms.otp import OneTimeCodes
from gateway.storage.sms_tables import InboundMessageRow
from tests.banking_fixtures import FAST_HASHER, db_engine, pg_engine, sqlite_engine
from tests.fakes.twilio_server import FakeTwilio
from tests.sms_support import (
    AGGREGATOR_SECRET,
    CUSTOMER,
    PUBLIC_URL,
    Clock,
    SmsPhone,
    SmsWorld,
    clock,
    fake_twilio,
    make_world,
    worker_context_reset,
)

HEADERS = {"X-Aggregator-Credential": AGGREGATOR_SECRET}
REGISTRY: dict[str, Handler] = {}
STRANGER = "+6281399998888"


@pytest.fixture
def world(
    db_engine: Engine,
    redis_client: redis.Redis,
    clock: Clock,
    fake_twilio: FakeTwilio,
    worker_context_reset: None,
) -> SmsWorld:
    world = make_world(
        db_engine, redis_client, clock, REGISTRY, bank=SqlBank(db_engine, hasher=FAST_HASHER), fake=fake_twilio
    )
    world.channel.inbox.dispatcher.services.bank.add_customer(CUSTOMER, "Ibu Siti", "Asia/Jakarta", "id", clock())
    return world


def aggregator(world: SmsWorld, **fields: str) -> tuple[int, str]:
    params = {"original": "081234567890", "sendto": "9123", "messageid": "m-1", "message": "BANTUAN", **fields}
    response = world.client.post("/sms/aggregator", data=params, headers=HEADERS)
    return response.status_code, response.get_data(as_text=True)


def inbound_rows(world: SmsWorld) -> list[InboundMessageRow]:
    with world.session() as db:
        rows = list(db.scalars(select(InboundMessageRow).order_by(InboundMessageRow.id)))
        db.expunge_all()
        return rows


@pytest.mark.parametrize("field", ["original", "sendto", "message"])
def test_a_nul_byte_in_a_text_field_is_stored_cleaned(world: SmsWorld, field: str) -> None:
    value = {"original": "0812\x0034567890", "sendto": "91\x0023", "message": "BAN\x00TUAN"}[field]
    assert aggregator(world, **{field: value}) == (200, "000")
    (row,) = inbound_rows(world)
    assert "\x00" not in row.body + row.from_msisdn and row.from_msisdn == CUSTOMER
    assert row.outcome == "help" and len(world.outbox_rows()) == 1


def test_a_nul_byte_in_a_message_id_is_refused_and_nothing_stored(world: SmsWorld) -> None:
    assert aggregator(world, messageid="m\x001")[0] == 400
    assert inbound_rows(world) == [] and world.outbox_rows() == []


def test_a_nul_byte_from_a_sender_that_is_no_number(world: SmsWorld) -> None:
    assert aggregator(world, original="cmp-\x00promo") == (200, "000")
    (row,) = inbound_rows(world)
    assert (row.from_msisdn, row.outcome) == ("cmp-promo", "unusable_sender")


def test_a_nul_byte_in_a_signed_twilio_body(world: SmsWorld) -> None:
    assert SmsPhone(world).send("BAN\x00TUAN") is not None
    assert "\x00" not in inbound_rows(world)[0].body


def test_long_ids_sharing_a_prefix_are_two_messages(world: SmsWorld) -> None:
    prefix = "agg-" + "7" * 100
    first, second = prefix + "-first", prefix + "-second"
    assert aggregator(world, messageid=first) == (200, "000")
    assert aggregator(world, messageid=second) == (200, "000")
    assert aggregator(world, messageid=second) == (200, "000")  # a retry of the second: one row
    assert [row.provider_message_id for row in inbound_rows(world)] == [first, second]
    assert len(world.outbox_rows()) == 2


def test_an_id_at_the_limit_is_whole_and_one_over_is_400(world: SmsWorld) -> None:
    longest = "x" * MAX_MESSAGE_ID_CHARS
    assert aggregator(world, messageid=longest) == (200, "000")
    assert aggregator(world, messageid=longest + "y")[0] == 400
    assert [row.provider_message_id for row in inbound_rows(world)] == [longest]


def test_a_twilio_sid_over_the_limit_is_400(world: SmsWorld) -> None:
    assert SmsPhone(world).post("BANTUAN", "SM" + "a" * MAX_MESSAGE_ID_CHARS).status_code == 400
    assert inbound_rows(world) == []


@pytest.mark.parametrize("error_code", ["²", "٣٠", "30 03", "-1", "3" * 40])
def test_a_signed_status_callback_with_a_strange_error_code(world: SmsWorld, error_code: str) -> None:
    from tests.integration.test_sms_webhook import post_status

    SmsPhone(world).send("BANTUAN")
    world.work()
    (row,) = world.outbox_rows()
    path = f"/sms/twilio/status?outbox={row.id}"
    assert post_status(world, path, row.provider_id or "", "undelivered", error_code).status_code == 200
    assert (world.outbox(row.id).status, world.outbox(row.id).error_code) == ("undelivered", None)
    assert post_status(world, "/sms/twilio/status?outbox=²", row.provider_id or "", "failed").status_code == 200


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def dead_engine(engine: Engine, tmp_path: Path) -> Engine:
    if engine.dialect.name == "sqlite":
        return create_engine(f"sqlite:///{tmp_path}/no/such/folder/x.db")
    return create_engine(
        f"postgresql+psycopg://nobody@127.0.0.1:{closed_port()}/none", connect_args={"connect_timeout": 2}
    )


def swap_channel(world: SmsWorld, **changes: object) -> Flask:
    app: Flask = world.client.application
    runtime = app.extensions["jembatan"]
    app.extensions["jembatan"] = replace(runtime, sms=replace(runtime.sms, **changes))
    return app


def test_database_down_answers_503_and_logs_once(
    world: SmsWorld, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    inbox = world.channel.inbox
    swap_channel(world, inbox=replace(inbox, sessions=sessionmaker(bind=dead_engine(world.engine, tmp_path))))
    with caplog.at_level(logging.INFO):
        for n in range(5):
            assert aggregator(world, messageid=f"down-{n}")[0] == 503
        assert SmsPhone(world).post("BANTUAN").status_code == 503
    outage_lines = [r for r in caplog.records if "unavailable" in r.getMessage()]
    assert len(outage_lines) == 1 and outage_lines[0].getMessage().startswith("database unavailable")
    assert not any(r.exc_info for r in caplog.records)
    swap_channel(world, inbox=inbox)  # the database is back: the aggregator's retry is processed
    assert aggregator(world, messageid="down-0") == (200, "000")
    assert [row.provider_message_id for row in inbound_rows(world)] == ["down-0"]


def test_redis_down_answers_503_and_the_retry_is_processed_later(
    world: SmsWorld, caplog: pytest.LogCaptureFixture
) -> None:
    dead = redis.Redis(port=closed_port(), socket_connect_timeout=0.5, socket_timeout=0.5)
    inbox = world.channel.inbox
    store = SessionStore(dead, 300, 180, 10)
    broken = replace(inbox.dispatcher, codes=OneTimeCodes(dead, b"secret"), languages=store)
    swap_channel(world, inbox=replace(inbox, dispatcher=broken))
    with caplog.at_level(logging.INFO):
        for _ in range(3):
            assert aggregator(world, original=STRANGER, messageid="r-1")[0] == 503
    assert inbound_rows(world) == [] and world.outbox_rows() == []  # nothing kept that would block the retry
    assert len([r for r in caplog.records if r.getMessage().startswith("redis unavailable")]) == 1
    assert not any(r.exc_info for r in caplog.records)
    swap_channel(world, inbox=inbox)
    assert aggregator(world, original=STRANGER, messageid="r-1") == (200, "000")
    with world.session() as db:
        assert db.scalar(select(func.count()).select_from(InboundMessageRow)) == 1
    assert len(world.outbox_rows()) == 1
