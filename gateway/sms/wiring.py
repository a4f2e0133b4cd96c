"""Build the SMS channel's parts from Settings: the provider, the outbox context, the inbox.

The provider is `Settings.outbound_provider`: Twilio when its credentials and sender are configured,
else the local aggregator when AGGREGATOR_SEND_URL is set, else the sandbox (nothing leaves the machine;
`GET /sms/sandbox` lists what would have gone, in development mode and to loopback callers only).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import redis
from rq import Queue
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker

from gateway.config import Settings
from gateway.effects import Effects
from gateway.engine.api import Handler, HostServices
from gateway.i18n import Catalog
from gateway.outages import OutageLog
from gateway.sms.aggregator_provider import AggregatorAccount, AggregatorProvider
from gateway.sms.book import KeywordBook
from gateway.sms.commands import LanguageMemory
from gateway.sms.inbox import Inbox
from gateway.sms.keywords import load_keywords
from gateway.sms.lanes import SendLanes
from gateway.sms.otp import OneTimeCodes
from gateway.sms.outbox import QUEUE_NAME, is_opted_out
from gateway.sms.outbox_context import OutboxContext
from gateway.sms.providers import SmsProvider
from gateway.sms.rate_limit import TokenBucket
from gateway.sms.router import Dispatcher
from gateway.sms.sandbox import SandboxProvider
from gateway.sms.twilio_provider import TwilioProvider

KEYWORDS_FILE = "sms.yaml"
TWILIO_PATH = "/sms/twilio"
STATUS_PATH = "/sms/twilio/status"
AGGREGATOR_PATH = "/sms/aggregator"
AGGREGATOR_DELIVERED_PATH = "/sms/aggregator/delivered"
SANDBOX_PATH = "/sms/sandbox"
MESSAGING_SERVICE_PREFIX = "MG"
DEFAULT_RATE_PER_S = {"twilio": 0.0, "aggregator": 20.0, "sandbox": 0.0}
"""Provider calls a second per worker when SMS_RATE_PER_S is 0 (0 here: no per-second limit). Twilio
documents a limit on an account's concurrent API requests (error 20429, 100 by default), which
SMS_SEND_THREADS bounds, and queues each sender's messages at the sender's own MPS; a 429 still pauses
every thread for its Retry-After. The aggregator documents no rate: 20/s until it does. Set SMS_RATE_PER_S
to the contract's figure divided by the number of workers."""

log = logging.getLogger(__name__)


def twilio_configured(settings: Settings) -> bool:
    return bool(settings.twilio_account_sid and settings.twilio_auth_token and settings.twilio_from)


def build_provider(settings: Settings, client: redis.Redis) -> tuple[SmsProvider, str]:
    name = settings.outbound_provider
    if name == "aggregator" and settings.aggregator_send_url:
        account = AggregatorAccount(
            settings.aggregator_send_url,
            settings.aggregator_userid,
            settings.aggregator_password,
            settings.aggregator_sender,
        )
        return AggregatorProvider(account), "aggregator"
    if name != "twilio" or not twilio_configured(settings):
        return SandboxProvider(client), "sandbox"
    sender: dict[str, Any] = (
        {"messaging_service_sid": settings.twilio_from}
        if settings.twilio_from.startswith(MESSAGING_SERVICE_PREFIX)
        else {"from_": settings.twilio_from}
    )
    provider = TwilioProvider(
        settings.twilio_account_sid,
        settings.twilio_auth_token,
        api_base_url=settings.twilio_api_base_url or None,
        pool_size=settings.sms_send_threads,
        **sender,
    )
    return provider, "twilio"


def build_lanes(settings: Settings, provider_name: str) -> SendLanes:
    """The worker's sending threads and its token bucket (burst: one call per thread)."""
    rate = settings.sms_rate_per_s or DEFAULT_RATE_PER_S.get(provider_name, 0.0)
    threads = max(1, settings.sms_send_threads)
    return SendLanes(threads, TokenBucket(rate, burst=threads))


def public_url(settings: Settings, path: str) -> str | None:
    return settings.public_url.rstrip("/") + path if settings.public_url else None


def build_outbox_context(
    settings: Settings, client: redis.Redis, engine: Engine, clock: Callable[[], datetime]
) -> OutboxContext:
    provider, name = build_provider(settings, client)
    callback = public_url(settings, STATUS_PATH) if name == "twilio" else None
    return OutboxContext(
        sessionmaker(bind=engine),
        provider,
        name,
        Queue(QUEUE_NAME, connection=client),
        clock,
        callback,
        lanes=build_lanes(settings, name),
    )


@dataclass(frozen=True)
class SmsChannel:
    """What the SMS endpoints need; `Runtime.sms` (None when the menus folder has no sms.yaml)."""

    settings: Settings
    redis: redis.Redis
    book: KeywordBook
    inbox: Inbox
    outbox: OutboxContext
    outages: OutageLog = field(default_factory=lambda: OutageLog(logging.getLogger("gateway.web.sms")))
    """One log line per failure cause per interval when a message cannot be stored."""

    @property
    def sandbox(self) -> bool:
        return self.outbox.provider_name == "sandbox"


def _opt_out_lookup(outbox: OutboxContext) -> Callable[[str], bool]:
    def opted_out(msisdn: str) -> bool:
        with outbox.sessions() as db:
            return is_opted_out(db, msisdn)

    return opted_out


def build_sms_channel(
    settings: Settings,
    client: redis.Redis,
    engine: Engine | None,
    catalog: Callable[[], Catalog],
    languages: LanguageMemory,
    services: HostServices,
    handlers: Mapping[str, Handler],
    clock: Callable[[], datetime],
    effects: Effects | None = None,
) -> SmsChannel | None:
    path = Path(settings.menus_dir) / KEYWORDS_FILE
    if engine is None or not path.exists():
        return None
    book = load_keywords(path)
    outbox = build_outbox_context(settings, client, engine, clock)
    codes = OneTimeCodes(client, settings.secret_key.encode())
    dispatcher = Dispatcher(
        lambda: book,
        handlers,
        services,
        codes,
        languages,
        catalog,
        settings.default_lang,
        opted_out=_opt_out_lookup(outbox),
    )
    inbox = Inbox(outbox.sessions, lambda: book, dispatcher, outbox.queue, catalog, clock, effects)
    log.info("sms channel ready: provider %s, %d keywords", outbox.provider_name, len(book.keywords))
    return SmsChannel(settings, client, book, inbox, outbox)
