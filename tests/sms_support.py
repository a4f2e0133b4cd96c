"""SMS test support: a signed Twilio phone, a fake Twilio, a movable clock, burst workers, the SMS app.

Everything talks to the real Redis (db 15, flushed) and a real database (SQLite, and PostgreSQL through
tests.banking_fixtures); the provider is the real twilio library pointed at tests/fakes/twilio_server.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from flask.testing import FlaskClient
from rq import Queue, SimpleWorker
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from twilio.request_validator import RequestValidator

from gateway.app import create_app
from gateway.engine.api import Handler
from gateway.i18n import Catalog, load_catalog
from gateway.jobs import install_worker_context
from gateway.runtime import AppServices, build_runtime
from gateway.sessions import SessionStore
from gateway.sms.outbox import QUEUE_NAME
from gateway.sms.wiring import SmsChannel, build_sms_channel
from gateway.storage.migrate import upgrade
from gateway.storage.sms_tables import InboundMessageRow, OutboxRow
from tests.conftest import ROOT, basic_settings
from tests.fakes.twilio_server import FakeTwilio

PUBLIC_URL = "https://jembatan.example.id"
OUR_NUMBER = "+15005550006"
AGGREGATOR_SECRET = "agg-secret-1"
CUSTOMER = "+6281234567890"


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def run_worker(client: redis.Redis, queue_name: str = QUEUE_NAME) -> None:
    """Run every queued SMS job in this process, then return."""
    SimpleWorker([Queue(queue_name, connection=client)], connection=client).work(burst=True)


def sms_catalog() -> Catalog:
    catalog, problems = load_catalog(ROOT / "locales")
    assert problems == [], problems
    return catalog


@dataclass
class SmsWorld:
    client: FlaskClient
    channel: SmsChannel
    engine: Engine
    redis: redis.Redis
    fake: FakeTwilio | None
    clock: Clock

    def session(self) -> Session:
        return Session(self.engine)

    def work(self) -> None:
        run_worker(self.redis, self.channel.outbox.queue.name)  # type: ignore[attr-defined]

    def inbound(self, message_id: str) -> InboundMessageRow:
        with self.session() as db:
            row = db.scalar(select(InboundMessageRow).where(InboundMessageRow.provider_message_id == message_id))
            assert row is not None, message_id
            db.expunge(row)
            return row

    def outbox(self, outbox_id: int) -> OutboxRow:
        with self.session() as db:
            row = db.get(OutboxRow, outbox_id)
            assert row is not None, outbox_id
            db.expunge(row)
            return row

    def outbox_rows(self) -> list[OutboxRow]:
        with self.session() as db:
            rows = list(db.scalars(select(OutboxRow).order_by(OutboxRow.id)))
            db.expunge_all()
            return rows


@dataclass
class SmsPhone:
    """Sends signed Twilio webhooks, as Twilio would, and reads the reply from the outbox."""

    world: SmsWorld
    msisdn: str = CUSTOMER
    auth_token: str = "fake-auth-token"

    def post(
        self, body: str, sid: str | None = None, *, extra: Mapping[str, str] | None = None, signature: str | None = None
    ) -> Any:
        form = {
            "From": self.msisdn,
            "To": OUR_NUMBER,
            "Body": body,
            "MessageSid": sid or "SM" + secrets.token_hex(16),
            **(extra or {}),
        }
        url = PUBLIC_URL + "/sms/twilio"
        if signature is None:
            signature = RequestValidator(self.auth_token).compute_signature(url, form)
        return self.world.client.post("/sms/twilio", data=form, headers={"X-Twilio-Signature": signature})

    def send(self, body: str) -> str | None:
        """The reply text queued for this message (None: no reply)."""
        sid = "SM" + secrets.token_hex(16)
        response = self.post(body, sid)
        assert response.status_code == 200, response.get_data(as_text=True)
        inbound = self.world.inbound(sid)
        return None if inbound.reply_outbox_id is None else self.world.outbox(inbound.reply_outbox_id).body


def make_world(
    engine: Engine,
    client: redis.Redis,
    clock: Clock,
    handlers: Mapping[str, Handler],
    *,
    bank: Any = None,
    fake: FakeTwilio | None = None,
    **settings: Any,
) -> SmsWorld:
    upgrade(engine)
    twilio = (
        {
            "twilio_account_sid": fake.account_sid,
            "twilio_auth_token": fake.auth_token,
            "twilio_from": OUR_NUMBER,
            "twilio_api_base_url": fake.base_url,
        }
        if fake
        else {"twilio_auth_token": "fake-auth-token"}
    )  # signed webhooks, sandbox outbound
    config = basic_settings(public_url=PUBLIC_URL, aggregator_credential=AGGREGATOR_SECRET, **{**twilio, **settings})
    runtime = build_runtime(config, clock=clock, bank=bank if bank is not None else object(), db_engine=engine)
    catalog = sms_catalog()
    store = SessionStore(client, 300, 180, 10)
    sms_settings = config.with_overrides({"menus_dir": ROOT / "menus"})
    channel = build_sms_channel(
        sms_settings,
        client,
        engine,
        lambda: catalog,
        store,
        AppServices(bank=runtime.services.bank, clock=clock),
        handlers,
        clock,
    )
    assert channel is not None
    # A queue of its own: another test run's burst worker on this Redis must not take our jobs.
    queue = Queue(f"{QUEUE_NAME}-test-{secrets.token_hex(4)}", connection=client)
    channel = replace(channel, outbox=replace(channel.outbox, queue=queue), inbox=replace(channel.inbox, queue=queue))
    install_worker_context(channel.outbox)
    app = create_app(runtime=replace(runtime, sms=channel))
    return SmsWorld(app.test_client(), channel, engine, client, fake, clock)


@pytest.fixture
def fake_twilio() -> Iterator[FakeTwilio]:
    with FakeTwilio() as server:
        yield server


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def worker_context_reset() -> Iterator[None]:
    yield
    install_worker_context(None)


def read_yaml_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.yaml"))
