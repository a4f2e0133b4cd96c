"""The local aggregator: outbound through the real provider against a fake aggregator on a free port,
delivery reports, and inbound from a sender that is no phone number."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
import redis
from sqlalchemy import Engine, select

from gateway.banking.ledger import SqlBank
from gateway.engine.api import Handler
from gateway.sms.aggregator_provider import (
    PART_CHARS,
    AggregatorAccount,
    AggregatorProvider,
    message_id,
    parse_delivery_report,
    split_parts,
)
from gateway.sms.providers import FailureReason, MessageStatus, PermanentFailure, TemporaryFailure
from gateway.storage.sms_tables import InboundMessageRow
from tests.banking_fixtures import FAST_HASHER, db_engine, pg_engine, sqlite_engine
from tests.fakes.aggregator_server import FakeAggregator
from tests.sms_support import (
    AGGREGATOR_SECRET,
    CUSTOMER,
    Clock,
    SmsWorld,
    clock,
    make_world,
    worker_context_reset,
)

SENDER = "BANKDESA"
REGISTRY: dict[str, Handler] = {}  # help and opt-out only: no banking handler is reached
HEADERS = {"X-Aggregator-Credential": AGGREGATOR_SECRET}


@pytest.fixture
def fake() -> Iterator[FakeAggregator]:
    with FakeAggregator() as server:
        yield server


def provider_for(fake: FakeAggregator, timeout_s: float = 5.0) -> AggregatorProvider:
    return AggregatorProvider(AggregatorAccount(fake.send_url, "bank-user", "bank-pass", SENDER), timeout_s=timeout_s)


def test_one_message_is_one_get_with_the_documented_parameters(fake: FakeAggregator) -> None:
    result = provider_for(fake).send(CUSTOMER, "Saldo Anda Rp1.500.000.", idempotency_key="reply:twilio:SM1")
    assert result.status is MessageStatus.SENT and result.provider_id == message_id("reply:twilio:SM1")
    assert fake.requests == [
        {
            "userid": "bank-user",
            "password": "bank-pass",
            "original": SENDER,
            "sendto": CUSTOMER.lstrip("+"),
            "message": "Saldo Anda Rp1.500.000.",
            "messageid": result.provider_id,
            "dcs": "0",
            "udhl": "0",
        }
    ]


def test_a_long_text_goes_as_parts_with_suffixed_ids(fake: FakeAggregator) -> None:
    body = " ".join(f"kata{n}" for n in range(80))
    result = provider_for(fake).send(CUSTOMER, body, idempotency_key="k-long")
    ids = [request["messageid"] for request in fake.requests]
    assert len(ids) == len(split_parts(body)) >= 3
    assert ids == [result.provider_id] + [f"{result.provider_id}.{n}" for n in range(2, len(ids) + 1)]
    assert all(len(request["message"]) <= PART_CHARS for request in fake.requests)
    assert " ".join(request["message"] for request in fake.requests) == body
    again = provider_for(fake).send(CUSTOMER, body, idempotency_key="k-long")
    assert again.provider_id == result.provider_id  # a retry sends the same ids


def test_split_parts_never_loses_text() -> None:
    assert split_parts("x" * 400) == ["x" * 160, "x" * 160, "x" * 80]
    assert split_parts("") == [""]


@pytest.mark.parametrize("answer, code", [("001", 1), ("101", 101)])
def test_authentication_and_expired_account_are_permanent(fake: FakeAggregator, answer: str, code: int) -> None:
    fake.answer_next(1, body=answer)
    with pytest.raises(PermanentFailure) as failure:
        provider_for(fake).send(CUSTOMER, "x", idempotency_key="k")
    assert (failure.value.code, failure.value.reason) == (code, FailureReason.CREDENTIALS)


@pytest.mark.parametrize("status", [429, 500, 503])
def test_429_and_5xx_are_retried(fake: FakeAggregator, status: int) -> None:
    fake.answer_next(1, status=status, body="busy")
    with pytest.raises(TemporaryFailure) as failure:
        provider_for(fake).send(CUSTOMER, "x", idempotency_key="k")
    assert failure.value.status == status and not failure.value.maybe_sent


def test_a_slow_aggregator_is_a_timeout_that_may_have_sent(fake: FakeAggregator) -> None:
    fake.delay_next(1, seconds=2)
    with pytest.raises(TemporaryFailure) as failure:
        provider_for(fake, timeout_s=0.3).send(CUSTOMER, "x", idempotency_key="k")
    assert failure.value.maybe_sent


def test_an_unreachable_aggregator_is_temporary() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed once the block ends: nothing listens there
    provider = AggregatorProvider(AggregatorAccount(f"http://127.0.0.1:{port}/send", "u", "p", SENDER), timeout_s=1)
    with pytest.raises(TemporaryFailure) as failure:
        provider.send(CUSTOMER, "x", idempotency_key="k")
    assert not failure.value.maybe_sent


@pytest.mark.parametrize(
    "status, message, expected",
    [
        ("10", "jmbabc", ("jmbabc", MessageStatus.DELIVERED)),
        ("30", "jmbabc.2", ("jmbabc", MessageStatus.FAILED)),
        ("20", "jmbabc", ("jmbabc", None)),
    ],
)
def test_delivery_reports(status: str, message: str, expected: tuple[str, MessageStatus | None]) -> None:
    report = parse_delivery_report(status, message)
    assert report is not None and (report.message_id, report.status) == expected


@pytest.mark.parametrize("status", ["", "abc", "²", "-10", " "])
def test_a_missing_or_non_numeric_status_is_no_report(status: str) -> None:
    assert parse_delivery_report(status, "jmbabc") is None


@pytest.fixture
def world(
    db_engine: Engine,
    redis_client: redis.Redis,
    clock: Clock,
    fake: FakeAggregator,
    worker_context_reset: None,
) -> SmsWorld:
    world = make_world(
        db_engine,
        redis_client,
        clock,
        REGISTRY,
        bank=SqlBank(db_engine, hasher=FAST_HASHER),
        aggregator_send_url=fake.send_url,
        aggregator_userid="bank-user",
        aggregator_password="bank-pass",
        aggregator_sender=SENDER,
    )
    world.channel.inbox.dispatcher.services.bank.add_customer(CUSTOMER, "Ibu Siti", "Asia/Jakarta", "id", clock())
    return world


def inbound(world: SmsWorld, message_id: str, message: str = "BANTUAN", original: str = "081234567890") -> str:
    params = {"original": original, "sendto": "9123", "messageid": message_id, "message": message}
    response = world.client.get("/sms/aggregator", query_string=params, headers=HEADERS)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def delivered(world: SmsWorld, query: dict[str, str], headers: dict[str, str] | None = None) -> tuple[int, str]:
    response = world.client.get(
        "/sms/aggregator/delivered", query_string=query, headers=HEADERS if headers is None else headers
    )
    return response.status_code, response.get_data(as_text=True)


def test_replies_go_out_through_the_aggregator_and_reports_settle_them(world: SmsWorld, fake: FakeAggregator) -> None:
    assert world.channel.outbox.provider_name == "aggregator" and not world.channel.sandbox
    assert inbound(world, "in-1") == "000"
    world.work()
    (row,) = world.outbox_rows()
    (sent,) = fake.requests
    assert (row.status, row.provider, row.provider_id) == ("sent", "aggregator", sent["messageid"])
    assert sent["sendto"] == CUSTOMER.lstrip("+") and sent["message"].startswith("Ketik: SALDO")
    assert delivered(world, {"status": "10", "messageid": f"{row.provider_id}.2"}) == (200, "000")
    assert world.outbox(row.id).status == "delivered"
    assert delivered(world, {"status": "30", "messageid": row.provider_id or ""}) == (200, "000")
    assert world.outbox(row.id).status == "delivered"  # a final status is not moved back


def test_a_failed_report_and_reports_for_nothing_we_sent(world: SmsWorld) -> None:
    inbound(world, "in-2")
    world.work()
    (row,) = world.outbox_rows()
    assert delivered(world, {"status": "30", "messageid": row.provider_id or ""}) == (200, "000")
    assert (world.outbox(row.id).status, world.outbox(row.id).error_code) == ("failed", "30")
    assert delivered(world, {"status": "10", "messageid": "jmb-not-ours"}) == (200, "000")
    assert delivered(world, {"status": "99", "messageid": row.provider_id or ""}) == (200, "000")


@pytest.mark.parametrize(
    "query",
    [
        {"messageid": "jmb1"},
        {"status": "", "messageid": "jmb1"},
        {"status": "ok", "messageid": "jmb1"},
        {"status": "²", "messageid": "jmb1"},
        {"status": "10"},
        {"status": "10", "messageid": "a\x00b"},
        {"status": "10", "messageid": "x" * 500},
    ],
)
def test_a_bad_report_is_400(world: SmsWorld, query: dict[str, str]) -> None:
    assert delivered(world, query)[0] == 400


def test_a_report_needs_the_credential(world: SmsWorld) -> None:
    assert delivered(world, {"status": "10", "messageid": "jmb1"}, headers={})[0] == 403
    wrong = {"X-Aggregator-Credential": "not-it"}
    assert delivered(world, {"status": "10", "messageid": "jmb1"}, headers=wrong)[0] == 403


def test_a_wrong_aggregator_account_fails_the_message(world: SmsWorld, fake: FakeAggregator) -> None:
    fake.answer_next(1, body="001")
    inbound(world, "in-3")
    world.work()
    (row,) = world.outbox_rows()
    assert (row.status, row.error_code) == ("failed", "1")


def test_a_sender_named_by_an_id_is_recorded_and_answered_by_no_one(world: SmsWorld, fake: FakeAggregator) -> None:
    assert inbound(world, "in-4", "PROMO hemat", original="cmp-telkomsel-promo") == "000"
    assert inbound(world, "in-4", "PROMO hemat", original="cmp-telkomsel-promo") == "000"  # a retry
    world.work()
    assert world.outbox_rows() == [] and fake.requests == []
    with world.session() as db:
        rows = list(db.scalars(select(InboundMessageRow)))
    assert [(r.from_msisdn, r.outcome, r.provider_message_id) for r in rows] == [
        ("cmp-telkomsel-promo", "unusable_sender", "in-4")
    ]
