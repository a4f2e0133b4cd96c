"""One USSD hop: lock and load the session, step the engine, save, then carry out the effects."""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from gateway.channels.hop import Hop, InputStyle
from gateway.engine.api import Effect, Handler, HostServices
from gateway.engine.state import SessionState
from gateway.engine.step import Context, Reply, advance, begin
from gateway.menus import MenuBook
from gateway.phones import mask_msisdn
from gateway.sessions import SessionStore, StoredSession

log = logging.getLogger(__name__)

EffectSink = Callable[[str, Sequence[Effect]], None]


def make_sealer(secret: str) -> Callable[[str], str]:
    """Keyed digest for what must be compared but never kept: PIN confirmations, raw USSD text."""
    key = secret.encode()

    def seal(value: str) -> str:
        return hmac.new(key, value.encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:32]

    return seal


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

    def notice(self, key: str, lang: str | None = None) -> Reply:
        catalog = self.menus.current.catalog
        return Reply(catalog.render(lang or self.default_lang, key), end=True)

    def hop(self, hop: Hop) -> Reply:
        started = time.perf_counter()
        token = self.seal(hop.text) if hop.style is InputStyle.CUMULATIVE else f"#{hop.sequence}"
        opened = self.store.open(hop.session_id, hop.msisdn)
        if not opened.locked:
            done = self.store.wait_for(hop.session_id, hop.msisdn, token, self.retry_wait_s)
            log.info(
                "hop %s %s: retry while in flight, %s",
                mask_msisdn(hop.msisdn),
                hop.session_id,
                "answered from store" if done else "still busy",
            )
            return Reply(done.reply, done.end) if done else self.notice("engine.busy", opened.lang)
        try:
            record = opened.record
            if record is not None and (record.token == token or record.end or self._stale(hop, record)):
                self.store.release(hop.session_id, hop.msisdn)
                return Reply(record.reply, record.end)
            reply, effects = self._run(hop, record, opened.lang, opened.resumable, token)
        except Exception:
            self.store.release(hop.session_id, hop.msisdn)
            log.exception("hop %s %s failed", mask_msisdn(hop.msisdn), hop.session_id)
            return self.notice("engine.error", opened.lang)
        if effects and self.on_effects is not None:
            self.on_effects(hop.msisdn, effects)
        log.debug("hop %s %s %.1fms", mask_msisdn(hop.msisdn), hop.session_id, (time.perf_counter() - started) * 1000)
        return reply

    def _stale(self, hop: Hop, record: StoredSession) -> bool:
        return hop.style is InputStyle.NEWEST and hop.sequence < record.consumed

    def _run(self, hop: Hop, record: StoredSession | None, lang: str | None, resumable: SessionState | None,
             token: str) -> tuple[Reply, list[Effect]]:
        if record is None:
            found = self.menus.for_code(hop.service_code)
            if found is None:
                self.store.release(hop.session_id, hop.msisdn)
                log.info("hop %s: unknown service code %r", mask_msisdn(hop.msisdn), hop.service_code[:20])
                return self.notice("engine.unknown_service", lang), []
            loaded = found
        else:
            loaded = self.menus.for_version(record.state.menu_version)
        ctx = Context(menu=loaded.menu, catalog=loaded.catalog, handlers=self.handlers, services=self.services,
                      seal=self.seal, msisdn=hop.msisdn, session_id=hop.session_id, channel=hop.channel)
        consumed = record.consumed if record else 0
        if record is None:
            outcome = begin(ctx, lang if lang in loaded.catalog.languages else self.default_lang, resumable)
            state, reply = outcome.state, outcome.reply
            effects, failures = list(outcome.effects), list(outcome.failures)
        else:
            state, reply, effects, failures = record.state, Reply(record.reply, record.end), [], []
        for entry in hop.new_inputs(consumed, is_new=record is None):
            if reply.end:
                break
            outcome = advance(ctx, state, entry)
            state, reply = outcome.state, outcome.reply
            effects.extend(outcome.effects)
            failures.extend(outcome.failures)
        for failure in failures:
            log.warning("hop %s %s: %s", mask_msisdn(hop.msisdn), hop.session_id, failure)
        remember = next((str(e.payload["lang"]) for e in effects if e.kind == "remember_language"), None)
        stored = StoredSession(state, hop.consumed_after(consumed), token, reply.text, reply.end)
        self.store.save(hop.session_id, hop.msisdn, stored, remember)
        return reply, [e for e in effects if e.kind != "remember_language"]
