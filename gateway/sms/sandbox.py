"""A provider for demos and development: nothing leaves the machine, the last messages sit in Redis.

Bodies are stored in clear (one-time codes included, which is the point of a demo): never configure
the sandbox where real customers write in.
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any, Protocol

from gateway import redis_keys as keys
from gateway.gsm7 import segments
from gateway.phones import mask_msisdn
from gateway.sms.providers import DEFAULT_VALIDITY_PERIOD_S, MessageStatus, SendResult

SANDBOX_KEEP = 200
"""How many of the newest messages the sandbox keeps."""
SANDBOX_DEDUP_TTL_S = 86_400

log = logging.getLogger(__name__)


class SandboxRedis(Protocol):
    def set(self, name: str, value: Any, *, ex: int | None = None, nx: bool = False) -> Any: ...
    def get(self, name: str) -> Any: ...
    def lrange(self, name: str, start: int, end: int) -> Any: ...
    def pipeline(self, transaction: bool = True) -> Any: ...


@dataclass(frozen=True)
class SandboxMessage:
    provider_id: str
    to: str
    body: str
    segments: int
    idempotency_key: str
    validity_period_s: int
    status_callback_url: str | None


class SandboxProvider:
    """Stores what would be sent; the same idempotency key sends once and answers the same id."""

    def __init__(self, redis: SandboxRedis, *, keep: int = SANDBOX_KEEP) -> None:
        self._redis = redis
        self._keep = keep

    def send(
        self,
        to: str,
        body: str,
        *,
        idempotency_key: str,
        validity_period_s: int = DEFAULT_VALIDITY_PERIOD_S,
        status_callback_url: str | None = None,
    ) -> SendResult:
        provider_id = "SB" + secrets.token_hex(16)
        if not self._redis.set(keys.sandbox_sent(idempotency_key), provider_id, ex=SANDBOX_DEDUP_TTL_S, nx=True):
            earlier = self._redis.get(keys.sandbox_sent(idempotency_key))
            return SendResult(earlier.decode() if isinstance(earlier, bytes) else str(earlier), MessageStatus.SENT)
        message = SandboxMessage(
            provider_id, to, body, segments(body), idempotency_key, validity_period_s, status_callback_url
        )
        pipe = self._redis.pipeline(transaction=True)
        pipe.lpush(keys.SANDBOX_MESSAGES, json.dumps(asdict(message)))
        pipe.ltrim(keys.SANDBOX_MESSAGES, 0, self._keep - 1)
        pipe.execute()
        log.info("sandbox sms to=%s sid=%s segments=%d", mask_msisdn(to), provider_id, message.segments)
        return SendResult(provider_id, MessageStatus.SENT)

    def find_sent(self, to: str, body: str, *, idempotency_key: str, since: datetime) -> SendResult | None:
        """The sandbox knows its messages by idempotency key."""
        earlier = self._redis.get(keys.sandbox_sent(idempotency_key))
        if earlier is None:
            return None
        return SendResult(earlier.decode() if isinstance(earlier, bytes) else str(earlier), MessageStatus.SENT)


def list_sandbox(redis: SandboxRedis, limit: int = 50) -> list[SandboxMessage]:
    """The newest `limit` sandbox messages, newest first."""
    if limit <= 0:
        return []
    rows = redis.lrange(keys.SANDBOX_MESSAGES, 0, limit - 1)
    return [SandboxMessage(**json.loads(row)) for row in rows]
