"""Inbound SMS: store once, decide, then record the outcome and queue the reply in one transaction.

Insert first, then process: the unique (provider, provider_message_id) row makes a provider's retry a
no-op. Only a failure to store the message is reported to the caller (a 5xx, so the provider retries);
anything after that is logged and recorded as the message's outcome, and answered with `sms.error`.

"Stored" means durably: when the database cannot take the row, or Redis is down while the message is
decided (codes, languages, the reply's job), `receive` raises `StorageUnavailable` and keeps nothing, so
the provider's retry is processed when the part is back (not recorded as a duplicate of a lost message).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from redis.exceptions import RedisError
from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session

from gateway.effects import SMS, Effects, Pending, write
from gateway.engine.api import Effect
from gateway.gsm7 import to_gsm7
from gateway.i18n import Catalog
from gateway.phones import mask_msisdn
from gateway.sms.book import KeywordBook
from gateway.sms.commands import Decision, SmsReply
from gateway.sms.inbound import InboundSms, clean_text
from gateway.sms.outbox import JobQueue, enqueue_outbox, queue_sms, set_opt_out
from gateway.sms.router import Dispatcher
from gateway.sms.scrub import scrub
from gateway.storage.sms_tables import InboundMessageRow

BANK_NAME_KEY = "sms.bank"
"""The bank's short name, a text like any other (`{bank}` in replies)."""

log = logging.getLogger(__name__)
DATABASE_DOWN = (OperationalError, InterfaceError)


class StorageUnavailable(RuntimeError):
    """The message could not be stored durably; `part` is what failed (`database` or `redis`)."""

    def __init__(self, part: str, cause: BaseException) -> None:
        super().__init__(f"{part}: {cause.__class__.__name__}")
        self.part = part
        self.cause = cause


@dataclass(frozen=True)
class Received:
    inbound_id: int | None
    outcome: str
    reply_outbox_id: int | None = None

    @property
    def duplicate(self) -> bool:
        return self.inbound_id is None


@dataclass(frozen=True)
class Inbox:
    sessions: Callable[[], Session]
    book_source: Callable[[], KeywordBook]
    dispatcher: Dispatcher
    queue: JobQueue
    catalog: Callable[[], Catalog]
    clock: Callable[[], datetime]
    effects: Effects | None = None
    """Where a handler's reply and effects are recorded before the transaction (gateway/effects.py)."""

    def receive(self, sms: InboundSms) -> Received:
        """Raises only when the message could not be stored."""
        now = self.clock()
        message_id = sms.provider_message_id or _derived_id(sms, now)
        inbound_id = self._store(sms.provider, message_id, sms.sender, scrub(sms.body, self.book_source()), now)
        if inbound_id is None:
            log.info("sms %s from %s: already received", message_id, mask_msisdn(sms.sender))
            return Received(None, "duplicate")
        try:
            decision = self.dispatcher.decide(sms)
        except Exception as exc:
            redis_down = _redis_failure(exc)
            if redis_down is not None:
                self._release(inbound_id)
                raise StorageUnavailable("redis", redis_down) from exc
            log.exception("sms %d from %s: could not decide", inbound_id, mask_msisdn(sms.sender))
            decision = Decision("error", reply=SmsReply("sms.error"), lang=self.dispatcher.default_lang)
        if sms.truncated:
            decision = replace(decision, outcome=f"{decision.outcome}_truncated")
        key = f"reply:{sms.provider}:{message_id}"
        try:
            body = self._render(decision.lang, decision.reply) if decision.reply is not None else ""
            pending = self._record(sms.sender, key, body, decision, now)
            outbox_id, effect_ids = self._settle(inbound_id, sms.sender, key, body, decision, pending, now)
        except DATABASE_DOWN as exc:  # the reply is not stored: let the provider's retry try again
            self._release(inbound_id)  # the retry's reply has the same outbox key as a recorded one
            raise StorageUnavailable("database", exc) from exc
        except Exception:
            log.exception("sms %d from %s: could not record the outcome", inbound_id, mask_msisdn(sms.sender))
            return Received(inbound_id, "error")
        self._enqueue([*([outbox_id] if outbox_id is not None else []), *effect_ids])
        if self.effects is not None:
            self.effects.after_commit(pending)  # e.g. score the application PINJAM just filed
        self._forget(pending)
        return Received(inbound_id, decision.outcome, outbox_id)

    def _record(self, sender: str, key: str, body: str, decision: Decision, now: datetime) -> list[Pending]:
        """After a handler ran: its reply and effects, durable before the transaction (a crash before the commit
        leaves them to the effects sweeper, which writes them once: the outbox keys are unique)."""
        if self.effects is None or not decision.durable:
            return []
        reply = decision.reply
        replies = (
            []
            if reply is None
            else [
                Effect(
                    SMS,
                    {
                        "key": key,
                        "body": body,
                        "purpose": reply.purpose,
                        "validity_s": int(reply.validity.total_seconds()),
                    },
                )
            ]
        )
        pending = self.effects.pending(sender, [*replies, *decision.effects])
        try:
            self.effects.record(pending)
        except RedisError as exc:  # the transaction below still writes them; only a crash before it loses them
            log.warning("sms from %s: effects not recorded (%s)", mask_msisdn(sender), exc.__class__.__name__)
        return pending

    def _forget(self, pending: list[Pending]) -> None:
        if self.effects is None or not pending:
            return
        try:
            self.effects.forget(pending)
        except RedisError as exc:  # the sweeper finds them written and only forgets them
            log.warning("effects not forgotten (%s)", exc.__class__.__name__)

    def record_unanswerable(self, provider: str, message_id: str, raw_sender: str, body: str, outcome: str) -> bool:
        """A message we cannot answer (a sender that is no phone number): kept for the record only.
        False when it was already recorded."""
        now = self.clock()
        stored = self._store(
            provider,
            message_id or _derived_id_raw(raw_sender, body, now),
            clean_text(raw_sender)[:32],
            scrub(body, self.book_source()),
            now,
            outcome,
        )
        return stored is not None

    def _store(
        self, provider: str, message_id: str, sender: str, body: str, now: datetime, outcome: str = "received"
    ) -> int | None:
        """The new row's id; None when this message id was stored before. The id is whole (the parser
        refused ids too long for the column); NUL characters never reach the database."""
        row = InboundMessageRow(
            provider=provider,
            provider_message_id=message_id,
            from_msisdn=sender,
            body=clean_text(body),
            keyword="",
            outcome=outcome,
            received_at=now,
        )
        try:
            with self.sessions() as db, db.begin():
                db.add(row)
                db.flush()
                return row.id
        except IntegrityError:
            return None
        except DATABASE_DOWN as exc:
            raise StorageUnavailable("database", exc) from exc

    def _release(self, inbound_id: int) -> None:
        """Forget a message that could not be decided, so the provider's retry is processed afresh."""
        try:
            with self.sessions() as db, db.begin():
                db.execute(delete(InboundMessageRow).where(InboundMessageRow.id == inbound_id))
        except DATABASE_DOWN:
            log.warning("sms %d: could not be released; its retry counts as a duplicate", inbound_id)

    def _settle(
        self,
        inbound_id: int,
        sender: str,
        key: str,
        body: str,
        decision: Decision,
        pending: list[Pending],
        now: datetime,
    ) -> tuple[int | None, list[int]]:
        with self.sessions() as db, db.begin():
            if decision.opt_out is not None:
                set_opt_out(db, sender, decision.opt_out, decision.keyword or decision.outcome, now)
            outbox_id = None
            if decision.reply is not None:
                reply = decision.reply
                outbox_id = queue_sms(
                    db,
                    to=sender,
                    body=body,
                    purpose=reply.purpose,
                    key=key,
                    now=now,
                    expires_at=now + reply.validity,
                    required_by_contract=reply.required_by_contract,
                )
            effect_ids = write(db, [p for p in pending if p.key != key], now)
            db.execute(
                update(InboundMessageRow)
                .where(InboundMessageRow.id == inbound_id)
                .values(keyword=decision.keyword[:20], outcome=decision.outcome[:40], reply_outbox_id=outbox_id)
            )
        return outbox_id, effect_ids

    def _render(self, lang: str, reply: SmsReply) -> str:
        catalog = self.catalog()
        values = {"bank": catalog.render(lang, BANK_NAME_KEY), **reply.values}
        return to_gsm7(catalog.render(lang, reply.key, values))

    def _enqueue(self, outbox_ids: list[int]) -> None:
        if not outbox_ids:
            return
        try:
            enqueue_outbox(self.queue, outbox_ids)
        except Exception as exc:  # Redis down: the rows are safe, and the sweeper enqueues them later
            log.warning("outbox %s: could not enqueue (%s); the sweeper will", outbox_ids, exc.__class__.__name__)


def _redis_failure(exc: BaseException) -> RedisError | None:
    """The Redis error behind `exc` (itself, or a cause it was raised from: the session store wraps them)."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, RedisError):
            return seen
        seen = seen.__cause__
    return None


def _derived_id(sms: InboundSms, now: datetime) -> str:
    return _derived_id_raw(sms.sender, sms.body, now)


def _derived_id_raw(sender: str, body: str, now: datetime) -> str:
    """For providers that send no message id: the same text from the same number in the same minute
    counts as one message (a retry)."""
    digest = hashlib.sha256(f"{sender}\x1f{body}\x1f{now:%Y%m%d%H%M}".encode()).hexdigest()
    return f"h:{digest[:40]}"
