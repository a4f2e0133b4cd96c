"""The simulator's sandbox: the real engine, menus and handlers, against a throwaway bank.

Decision: the sandbox bank is a SQLite file of its own in a temporary folder, migrated and seeded with
the demo customers when first used (and again on "reset"); no row of the gateway's database is read or
written, so no real money moves and no real SMS is queued. Effects (receipts, confirmations) are not
applied: the sandbox records them and the simulator shows them as "SMS the customer would get".
Sessions live in Redis like real ones (a `sim-` session id), in the database CONSOLE_SANDBOX_REDIS_URL
names (default: the app's own in development; in production the simulator needs it set); a walk adds
nothing to the drop-off counters (`SessionStore(counted=False)`).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import redis

from gateway.banking.demo import DEMO_CUSTOMERS, seed
from gateway.banking.ledger import SqlBank
from gateway.dialog import Dialog
from gateway.effects import SMS, Pending, pending_for
from gateway.engine.api import Effect
from gateway.menus import Loaded, MenuBook
from gateway.runtime import AppServices, Runtime, connect_redis
from gateway.sessions import SessionStore
from gateway.simulator import StartingLanguage, Walk
from gateway.storage.db import make_engine
from gateway.storage.migrate import upgrade

EXTENSION = "jembatan.console_sandbox"
NEW_CALLER = "+6289900000001"
"""A test number that is no customer of the sandbox bank (registration and 'not a customer' paths)."""


class PinnedBook(MenuBook):
    """The process's menu book, except that new calls get one chosen release (a stored one)."""

    def __init__(self, book: MenuBook, pinned: Loaded) -> None:  # nothing to read or watch: no super().__init__
        self.book, self.current = book, pinned

    def refresh(self, now: float | None = None) -> None:
        return None

    def for_code(self, service_code: str) -> Loaded | None:
        codes = self.current.menu.service_codes
        return self.current if not service_code or service_code in codes else None

    def for_version(self, version: str) -> Loaded | None:
        return self.current if version == self.current.menu.version else self.book.for_version(version)


@dataclass
class Recorder:
    """An effect sink that applies nothing: it keeps the SMS a hop would have sent, for the page to show."""

    clock: AppServices
    sent: list[tuple[str, str]] = field(default_factory=list)

    def pending(self, msisdn: str, effects: Sequence[Effect]) -> Sequence[Pending]:
        return pending_for(msisdn, effects, self.clock.now())

    def fields(self, items: Sequence[Pending]) -> Sequence[str]:
        return []  # nothing kept in Redis: the gateway's effects sweeper must never see a sandbox effect

    def apply(self, items: Sequence[Pending]) -> None:
        """Only SMS are shown; other effects (a loan application's scoring) are dropped with the sandbox."""
        self.sent.extend((item.to, str(item.effect.payload["body"])) for item in items if item.effect.kind == SMS)


class Sandbox:
    """One per web process, built on first use; `reset` throws the bank away and seeds a new one."""

    def __init__(self, runtime: Runtime, redis_url: str | None) -> None:
        self.runtime = runtime
        self.redis: redis.Redis = connect_redis(redis_url) if redis_url else runtime.redis
        self._lock = threading.Lock()
        self._folder: Path | None = None
        self._bank: SqlBank | None = None

    def bank(self) -> SqlBank:
        with self._lock:
            if self._bank is None:
                self._bank = self._build(self.runtime.services.now())
            return self._bank

    def _build(self, now: datetime) -> SqlBank:
        self._folder = Path(tempfile.mkdtemp(prefix="jembatan-sandbox-"))
        atexit.register(shutil.rmtree, self._folder, True)  # a process that ends leaves no sandbox behind
        url = f"sqlite:///{self._folder / 'sandbox.db'}"
        upgrade(url)
        bank = SqlBank(make_engine(url), pepper=self.runtime.settings.pepper)
        seed(bank, now)
        return bank

    def reset(self) -> None:
        with self._lock:
            self._drop()

    def _drop(self) -> None:
        if self._bank is not None:
            self._bank.engine.dispose()
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)
        self._bank, self._folder = None, None

    def close(self) -> None:
        with self._lock:
            self._drop()

    def numbers(self) -> list[tuple[str, str]]:
        """(number, name) of every caller the simulator may dial as; the test number has no name."""
        return [*((c.msisdn, c.name) for c in DEMO_CUSTOMERS), (NEW_CALLER, "")]

    def walk(self, phone: str, lang: str | None, pinned: Loaded | None, session_id: str) -> tuple[Walk, Recorder]:
        """A walk through the real dialog (engine, handlers, session store), on the sandbox bank."""
        rt, bank = self.runtime, self.bank()
        services = AppServices(bank=bank, clock=rt.services.clock)
        recorder = Recorder(services)
        base = SessionStore(
            self.redis,
            rt.store.ttl_s,
            rt.store.resume_window_s,
            rt.store.lock_s,
            rt.store.language_ttl_s,
            counted=False,
        )
        store: SessionStore = StartingLanguage(base, lang)
        menus = PinnedBook(rt.menus, pinned) if pinned is not None else rt.menus
        dialog: Dialog = replace(
            rt.dialog, menus=menus, store=store, services=services, on_effects=recorder, languages=bank
        )
        codes = menus.current.menu.service_codes
        walk = Walk(store, menus, dialog.hop, phone, codes[0] if codes else "*123#", session_id)
        return walk, recorder
