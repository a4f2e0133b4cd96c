"""One USSD hop: lock and load the session, step the engine, save, then carry out the effects."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from gateway.banking.interface import BankUnavailable
from gateway.channels.hop import Hop, InputStyle
from gateway.effects import Pending
from gateway.engine.api import Effect, Handler, HostServices
from gateway.engine.step import Context, Reply, advance, begin
from gateway.engine.turns import turn_events
from gateway.funnels import counter_fields, local_day
from gateway.menus import MenuBook
from gateway.outages import OutageLog
from gateway.phones import mask_msisdn
from gateway.sessions import Opened, SessionStore, StoredSession, StoreUnavailable

log = logging.getLogger(__name__)


class EffectSink(Protocol):
    """`gateway.effects.Effects`: keys a hop's effects, which the session save records; applied after it."""

    def pending(self, msisdn: str, effects: Sequence[Effect]) -> Sequence[Pending]: ...

    def fields(self, items: Sequence[Pending]) -> Sequence[str]: ...

    def apply(self, items: Sequence[Pending]) -> None: ...


UNAVAILABLE = "engine.unavailable"
"""The END a caller gets while Redis is down (locales/*.resilience.yaml)."""


def make_sealer(secret: str) -> Callable[[str], str]:
    """Keyed digest for what must be compared but never kept: PIN confirmations, raw USSD text."""
    key = secret.encode()

    def seal(value: str) -> str:
        return hmac.digest(key, value.encode("utf-8", "replace"), hashlib.sha256).hex()[:32]

    return seal


@runtime_checkable
class CustomerLanguages(Protocol):
    """The part of the bank (`gateway.banking.interface.Bank`) that keeps a customer's language for good."""

    def customer_language(self, msisdn: str) -> str | None: ...

    def set_language(self, msisdn: str, lang: str) -> None: ...


@runtime_checkable
class HopReads(Protocol):
    """A bank that reads a customer once per hop (`gateway.banking.store.Store.one_hop`)."""

    def one_hop(self) -> AbstractContextManager[None]: ...


@dataclass(frozen=True)
class Dialog:
    menus: MenuBook
    store: SessionStore
    handlers: Mapping[str, Handler]
    services: HostServices
    seal: Callable[[str], str]
    default_lang: str
    retry_wait_s: float
    on_effects: EffectSink | None = None
    languages: CustomerLanguages | None = None
    """Where a customer's language is kept for good (the bank); Redis only caches it."""
    outages: OutageLog = field(default_factory=lambda: OutageLog(log))
    reads: HopReads | None = None
    """The bank's per-hop read scope: the dial's language and the caller's lookup share one read."""

    def notice(self, key: str, lang: str | None = None) -> Reply:
        """An END text from the current catalogue: needs neither Redis nor the bank."""
        catalog = self.menus.current.catalog
        if not catalog.has(catalog.default_lang, key):  # an operator's locales without the newer engine keys
            key = "engine.error"
        return Reply(catalog.render(lang or self.default_lang, key), end=True)

    def hop(self, hop: Hop) -> Reply:
        started = time.perf_counter()
        token = self.seal(hop.text) if hop.style is InputStyle.CUMULATIVE else f"#{hop.sequence}"
        try:
            opened = self.store.open_in_turn(hop.session_id, hop.msisdn, self.retry_wait_s)
        except StoreUnavailable as down:
            self.outages.failed("redis", down.cause)
            return self.notice(UNAVAILABLE)
        except Exception:  # a stored session this code cannot read; its lock and record expire by themselves
            log.exception("hop %s %s: the stored session could not be opened", mask_msisdn(hop.msisdn), hop.session_id)
            return self.notice("engine.error")
        self.outages.recovered("redis")
        if not opened.locked:
            log.info(
                "hop %s %s: the session's previous hop still holds the lock", mask_msisdn(hop.msisdn), hop.session_id
            )
            return self.notice("engine.busy", opened.lang)
        try:
            record = opened.record
            if record is not None and (record.token == token or record.end or self._stale(hop, record)):
                self.store.release(hop.session_id, hop.msisdn, opened.owner)
                return Reply(record.reply, record.end)
            with self.reads.one_hop() if self.reads is not None else nullcontext():
                reply, effects = self._run(hop, opened, token)
        except StoreUnavailable as down:
            self.outages.failed("redis", down.cause)
            self._release_quietly(hop, opened.owner)
            return self.notice(UNAVAILABLE, opened.lang)
        except Exception:
            self._release_quietly(hop, opened.owner)
            log.exception("hop %s %s failed", mask_msisdn(hop.msisdn), hop.session_id)
            return self.notice("engine.error", opened.lang)
        if effects and self.on_effects is not None:
            try:
                self.on_effects.apply(effects)
            except Exception as exc:  # the session and its pending effects are saved; the effects sweeper applies them
                self.outages.failed("effects", exc)
        if log.isEnabledFor(logging.DEBUG):
            elapsed_ms = (time.perf_counter() - started) * 1000
            log.debug("hop %s %s %.1fms", mask_msisdn(hop.msisdn), hop.session_id, elapsed_ms)
        return reply

    def _release_quietly(self, hop: Hop, owner: str) -> None:
        """After a failure: free the lock if Redis still answers (else it expires by itself)."""
        try:
            self.store.release(hop.session_id, hop.msisdn, owner)
        except StoreUnavailable as down:
            self.outages.failed("redis", down.cause)

    def _stale(self, hop: Hop, record: StoredSession) -> bool:
        """A late copy of an older hop (a retry that arrives after a newer input ran): answered from the store."""
        if hop.style is InputStyle.NEWEST:
            return hop.sequence < record.consumed
        return hop.consumed_after(0) < record.consumed

    def _run(self, hop: Hop, opened: Opened, token: str) -> tuple[Reply, Sequence[Pending]]:
        record = opened.record
        loaded = (
            self.menus.for_code(hop.service_code)
            if record is None
            else self.menus.for_version(record.state.menu_version)
        )
        if loaded is None:
            self.store.release(hop.session_id, hop.msisdn, opened.owner)
            log.info("hop %s: unknown service code %r", mask_msisdn(hop.msisdn), hop.service_code[:20])
            return self.notice("engine.unknown_service" if record is None else "engine.release_gone", opened.lang), []
        ctx = Context(
            menu=loaded.menu,
            catalog=loaded.catalog,
            handlers=self.handlers,
            services=self.services,
            seal=self.seal,
            msisdn=hop.msisdn,
            session_id=hop.session_id,
            channel=hop.channel,
        )
        consumed = record.consumed if record else 0
        cache_lang: str | None = None
        if record is None:
            lang = opened.lang
            if lang is None:  # a cache miss: the bank keeps a customer's language; one read, then cached again
                lang = cache_lang = self._customer_language(hop.msisdn)
            outcome = begin(ctx, lang if lang in loaded.catalog.languages else self.default_lang, opened.resumable)
            state, reply = outcome.state, outcome.reply
            effects, failures = list(outcome.effects), list(outcome.failures)
            events = turn_events(None, state, None, reply.end)
        else:
            state, reply, effects, failures = record.state, Reply(record.reply, record.end), [], []
            events = []
        for entry in hop.new_inputs(consumed, is_new=record is None):
            if reply.end:
                break
            outcome = advance(ctx, state, entry)
            events += turn_events(state, outcome.state, entry, outcome.reply.end)
            state, reply = outcome.state, outcome.reply
            effects.extend(outcome.effects)
            failures.extend(outcome.failures)
        for failure in failures:
            log.warning("hop %s %s: %s", mask_msisdn(hop.msisdn), hop.session_id, failure)
        chosen = next((str(e.payload["lang"]) for e in effects if e.kind == "remember_language"), None)
        stored = StoredSession(state, hop.consumed_after(consumed), token, reply.text, reply.end)
        kept = [e for e in effects if e.kind != "remember_language"]
        pending: Sequence[Pending] = ()
        fields: Sequence[str] = ()
        if kept and self.on_effects is not None:  # recorded with the session save: durable before applied
            pending = self.on_effects.pending(hop.msisdn, kept)
            fields = self.on_effects.fields(pending)
        counts = self._counts(loaded.menu.version, record, opened.idle_ms, events)
        if not self.store.save(hop.session_id, hop.msisdn, stored, chosen or cache_lang, opened.owner, fields, counts):
            log.warning(
                "hop %s %s overran its lock; the lock now held by a later hop was kept",
                mask_msisdn(hop.msisdn),
                hop.session_id,
            )
        if chosen:
            self._keep_language(hop.msisdn, chosen)
        return reply, pending

    def _counts(
        self, release: str, record: StoredSession | None, idle_ms: int | None, events: list[tuple[str, str]]
    ) -> list[str]:
        """The drop-off counters this hop adds (gateway.funnels): its events, and the time the caller spent on the
        screen they answered (since the previous reply was saved)."""
        if not events:
            return []
        dwell = (record.state.screen, idle_ms / 1000) if record is not None and idle_ms is not None else None
        return counter_fields(local_day(self.services.now()), release, events, dwell)

    def _customer_language(self, msisdn: str) -> str | None:
        if self.languages is None:
            return None
        try:
            lang = self.languages.customer_language(msisdn)
        except BankUnavailable as exc:
            self.outages.failed("bank", exc)
            return None
        self.outages.recovered("bank")
        return lang

    def _keep_language(self, msisdn: str, lang: str) -> None:
        """Write a language choice through to the bank, after the session is saved (Redis has it cached)."""
        if self.languages is None:
            return
        try:
            self.languages.set_language(msisdn, lang)
        except BankUnavailable as exc:
            self.outages.failed("bank", exc)
            return
        self.outages.recovered("bank")
