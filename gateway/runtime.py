"""Everything a process needs, built once from Settings and handed around (never a module global)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from gateway.banking.interface import Bank
from gateway.config import Settings
from gateway.dialog import CustomerLanguages, Dialog, HopReads, make_sealer
from gateway.effects import Effects, build_effects
from gateway.menus import MenuBook, load_handlers
from gateway.releases import ReleaseStore
from gateway.sessions import SessionStore

if TYPE_CHECKING:
    from gateway.banking.ledger import SqlBank

REDIS_CONNECT_TIMEOUT_S = 0.3
REDIS_READ_TIMEOUT_S = 0.5
"""A hop makes two Redis calls; with these bounds a caller gets the "unavailable" END within 1 s of dialing
while Redis is down or hung. RQ raises the read timeout of its own connection for its blocking pops."""
REDIS_HEALTH_CHECK_INTERVAL_S = 30


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class AppServices:
    """What handlers reach through `call.services`: the bank and the clock."""

    bank: Bank
    clock: Callable[[], datetime] = utc_now

    def now(self) -> datetime:
        return self.clock()


@dataclass
class Runtime:
    settings: Settings
    redis: redis.Redis
    menus: MenuBook
    store: SessionStore
    services: AppServices
    dialog: Dialog
    db_engine: Any = None
    sms: Any = None
    """`gateway.sms.wiring.SmsChannel`, or None when the menus folder has no sms.yaml."""
    effects: Effects | None = None
    """Effects after commit (receipts, confirmations); None without a database."""


def connect_redis(url: str) -> redis.Redis:
    """A client with bounded waits that reconnects by itself once Redis is back.

    One immediate retry on a connection error (not on a timeout): after a Redis restart each pooled
    connection is dead, and the retry reconnects it instead of failing the hop. redis-py's default of ten
    retries with backoff would hold a caller for seconds while Redis is down.
    """
    return redis.Redis.from_url(
        url,
        socket_timeout=REDIS_READ_TIMEOUT_S,
        socket_connect_timeout=REDIS_CONNECT_TIMEOUT_S,
        health_check_interval=REDIS_HEALTH_CHECK_INTERVAL_S,
        retry=Retry(NoBackoff(), 1, supported_errors=(redis.ConnectionError,)),
    )


def build_bank(settings: Settings) -> tuple[SqlBank, Any]:
    from gateway.banking.ledger import SqlBank
    from gateway.storage.db import make_engine

    engine = make_engine(settings.database_url)
    return SqlBank(engine, pepper=settings.pepper, access=settings.access_policy()), engine


def build_runtime(
    settings: Settings, clock: Callable[[], datetime] = utc_now, bank: Bank | None = None, db_engine: Any = None
) -> Runtime:
    """The process's runtime; tests may pass their own bank (and its engine) instead of the built-in one."""
    client = connect_redis(settings.redis_url)
    handlers = load_handlers(settings.handlers_module)
    store = SessionStore(
        client, settings.session_ttl_s, settings.resume_window_s, settings.hop_lock_s, settings.language_ttl_s
    )
    if bank is None:
        ledger, db_engine = build_bank(settings)
        built_in: Bank = ledger  # mypy checks here that SqlBank implements every method of the Bank protocol
        bank = built_in
    releases = ReleaseStore(db_engine) if db_engine is not None else None
    menus = MenuBook(settings.menus_dir, settings.locales_dir, handlers, releases, settings.watches_menus)
    services = AppServices(bank=bank, clock=clock)
    effects = build_effects(client, db_engine, clock)
    dialog = Dialog(
        menus=menus,
        store=store,
        handlers=handlers,
        services=services,
        seal=make_sealer(settings.secret_key),
        default_lang=settings.default_lang,
        retry_wait_s=settings.retry_wait_s,
        languages=bank if isinstance(bank, CustomerLanguages) else None,
        on_effects=effects,
        reads=bank if isinstance(bank, HopReads) else None,
    )
    from gateway.sms.wiring import build_sms_channel

    sms = build_sms_channel(
        settings, client, db_engine, lambda: menus.current.catalog, store, services, handlers, clock, effects
    )
    return Runtime(settings, client, menus, store, services, dialog, db_engine, sms, effects)
