"""Effects after commit: what a handler asks the host to do once its hop or message is durably saved.

A handler never sends by itself: it returns `Effect`s in its `Result` (engine/api.py). Each effect has a
unique `key` (e.g. `receipt:<repayment ref>`). The USSD dialog records the hop's effects in Redis with the
session save (one round trip, `SessionStore.save(pending=...)`), then applies them and forgets them (one
more write). The SMS inbox records them before its transaction and applies them inside it. If the process
dies in between, `Effects.sweep` (a periodic job) applies what is left: the outbox's UNIQUE idempotency
key makes a second application a no-op, so each effect happens exactly once.

Kinds: `sms` (payload `key`, `body`, `purpose`, optional `to` (default the caller) and `validity_s`): an
outbox row. Loan decisions (gateway/decisions/intake.py): `loan_application` (open the case, store the
consent, then queue the scoring job), `loan_withdrawal`, and `notify_loan_system` (hand the application
to the loan origination system, once per reference).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import redis
from rq import Queue
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from gateway import redis_keys
from gateway.decisions import intake as decisions
from gateway.engine.api import Effect
from gateway.gsm7 import to_gsm7
from gateway.phones import mask_msisdn
from gateway.sms.outbox import QUEUE_NAME, JobQueue, enqueue_outbox, queue_sms
from gateway.sms.outbox_context import OutboxContext

SMS = "sms"
KINDS = frozenset({SMS}) | decisions.KINDS
GRACE = timedelta(minutes=1)
"""The sweeper leaves younger effects to the hop that is applying them (a hop takes seconds at most)."""
SWEEP_LIMIT = 500
SMS_VALIDITY = timedelta(hours=24)
"""A receipt or a confirmation is still worth sending a day late (a sweeper that was down)."""

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Pending:
    """One effect on its way: recorded before it is applied, forgotten after."""

    key: str
    to: str
    effect: Effect
    at: datetime
    owner: str
    """The caller whose pending-effects hash holds it (the hop's or message's number)."""

    def dumps(self) -> str:
        return json.dumps(
            {"to": self.to, "kind": self.effect.kind, "payload": dict(self.effect.payload), "at": self.at.isoformat()},
            separators=(",", ":"),
            ensure_ascii=False,
        )

    @classmethod
    def loads(cls, key: str, raw: bytes | str, owner: str) -> Pending:
        data = json.loads(raw)
        return cls(key, data["to"], Effect(data["kind"], data["payload"]), datetime.fromisoformat(data["at"]), owner)


def pending_for(msisdn: str, effects: Sequence[Effect], now: datetime) -> list[Pending]:
    """The effects the host knows how to apply, keyed; others are logged and dropped."""
    kept = []
    for effect in effects:
        key = str(effect.payload.get("key") or "")
        if effect.kind not in KINDS or not key:
            log.error(
                "effect %r without a key or of an unknown kind, for %s: dropped", effect.kind, mask_msisdn(msisdn)
            )
            continue
        kept.append(Pending(key, str(effect.payload.get("to") or msisdn), effect, now, msisdn))
    return kept


def write(db: Session, items: Sequence[Pending], now: datetime) -> list[int]:
    """Apply effects inside the caller's transaction; returns the outbox ids to enqueue after commit."""
    ids = []
    for item in items:
        payload = item.effect.payload
        if item.effect.kind in decisions.KINDS:
            decisions.write(db, item.effect.kind, payload, item.to, now)
            continue
        validity = timedelta(seconds=int(payload.get("validity_s") or SMS_VALIDITY.total_seconds()))
        ids.append(
            queue_sms(
                db,
                to=item.to,
                body=to_gsm7(str(payload["body"])),
                purpose=str(payload["purpose"]),
                key=item.key,
                now=now,
                expires_at=now + validity,
            )
        )
    return ids


@dataclass(frozen=True)
class Effects:
    """Records, applies and sweeps effects; `Dialog.on_effects` and the SMS inbox share one."""

    redis: redis.Redis
    sessions: Callable[[], Session]
    queue: JobQueue
    clock: Callable[[], datetime]

    def pending(self, msisdn: str, effects: Sequence[Effect]) -> list[Pending]:
        return pending_for(msisdn, effects, self.clock())

    @staticmethod
    def fields(items: Sequence[Pending]) -> list[str]:
        """Field/value pairs for the pending hash (what `SessionStore.save(pending=...)` takes)."""
        return [part for item in items for part in (item.key, item.dumps())]

    def record(self, items: Sequence[Pending]) -> None:
        """Make effects durable before they are applied (the SMS path; USSD records with the session save)."""
        for owner, mine in _by_owner(items).items():
            self.redis.hset(redis_keys.pending_effects(owner), mapping={item.key: item.dumps() for item in mine})

    def forget(self, items: Sequence[Pending]) -> None:
        for owner, mine in _by_owner(items).items():
            self.redis.hdel(redis_keys.pending_effects(owner), *[item.key for item in mine])

    def apply(self, items: Sequence[Pending]) -> None:
        """Apply in one transaction, then forget them; raises if the database fails (they stay pending)."""
        if not items:
            return
        with self.sessions() as db, db.begin():
            ids = write(db, items, self.clock())
        self.enqueue(ids)
        self.after_commit(items)
        self.forget(items)

    def after_commit(self, items: Sequence[Pending]) -> None:
        """Jobs that follow written effects (the scoring of a submitted application); never raises."""
        decisions.enqueue_after_commit(self.redis, [(item.effect.kind, item.effect.payload) for item in items])

    def enqueue(self, ids: Sequence[int]) -> None:
        try:
            enqueue_outbox(self.queue, ids)
        except Exception as exc:  # the rows are safe; the outbox sweeper enqueues them
            log.warning("effects: outbox rows not enqueued (%s); the outbox sweeper will", exc.__class__.__name__)

    def sweep(self, limit: int = SWEEP_LIMIT) -> int:
        """Apply effects left pending longer than GRACE (a process died after the commit); returns how many."""
        cutoff = self.clock() - GRACE
        left = []
        for name in self.redis.scan_iter(match=redis_keys.PENDING_EFFECTS_MATCH, count=limit):
            owner = redis_keys.owner_of_pending(_text(name))
            for key, raw in self.redis.hscan_iter(name, count=limit):
                item = Pending.loads(_text(key), raw, owner)
                if item.at <= cutoff:
                    left.append(item)
            if len(left) >= limit:
                break
        for item in left:  # one by one: a bad row must not hold the others back
            try:
                self.apply([item])
            except Exception:
                log.exception(
                    "effect %s for %s could not be applied; kept for the next sweep", item.key, mask_msisdn(item.to)
                )
        if left:
            log.info("effects sweeper applied %d left-over effects", len(left))
        return len(left)


def count_pending(client: redis.Redis) -> int:
    """Effects recorded and not yet applied, over all callers."""
    return sum(int(client.hlen(name)) for name in client.scan_iter(match=redis_keys.PENDING_EFFECTS_MATCH))


def _by_owner(items: Sequence[Pending]) -> dict[str, list[Pending]]:
    grouped: dict[str, list[Pending]] = {}
    for item in items:
        grouped.setdefault(item.owner, []).append(item)
    return grouped


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def build_effects(client: redis.Redis, engine: Engine | None, clock: Callable[[], datetime]) -> Effects | None:
    """The process's effects (web or worker): SMS go through the outbox's queue. None without a database."""
    if engine is None:
        return None
    return Effects(client, sessionmaker(bind=engine), Queue(QUEUE_NAME, connection=client), clock)


def effects_for_outbox(outbox: OutboxContext) -> Effects:
    """A worker's effects, on its outbox context (its database, queue and clock; the queue's Redis)."""
    queue: Any = outbox.queue  # an RQ Queue: its connection is the Redis that holds the pending effects
    return Effects(queue.connection, outbox.sessions, outbox.queue, outbox.clock)
