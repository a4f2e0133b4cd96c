"""Outbound SMS through Twilio's Messages API, over a thin pooled client (gateway.sms.twilio_api) with a
bounded timeout. `api_base_url` points tests and benchmarks at a local fake (`http://127.0.0.1:PORT`)."""

from __future__ import annotations

import logging
import re
from datetime import datetime
from types import TracebackType
from typing import Any

from gateway.phones import mask_msisdn
from gateway.sms.numbers import ascii_int
from gateway.sms.providers import (
    DEFAULT_VALIDITY_PERIOD_S,
    TWILIO_REASONS,
    FailureReason,
    MessageStatus,
    PermanentFailure,
    SendResult,
    TemporaryFailure,
)
from gateway.sms.twilio_api import API_BASE_URL, DEFAULT_POOL_SIZE, Answer, NoAnswer, TwilioMessagesApi

DEFAULT_TIMEOUT_S = 5.0
LOOKUP_LIMIT = 100
"""How many of the newest messages to one number the sweeper's look-up reads."""
MAX_VALIDITY_PERIOD_S = 36_000  # Twilio accepts 1..36000 seconds
TOO_MANY_REQUESTS = 429
_NUMBER = re.compile(r"\+?\d{8,15}")

log = logging.getLogger(__name__)


class TwilioProvider:
    """Send through Twilio from a number (`from_`) or a Messaging Service. Thread-safe: a worker's sending
    threads share one provider and its `pool_size` keep-alive connections."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        *,
        from_: str | None = None,
        messaging_service_sid: str | None = None,
        api_base_url: str | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        pool_size: int = DEFAULT_POOL_SIZE,
    ) -> None:
        if (from_ is None) == (messaging_service_sid is None):
            raise ValueError("give exactly one of from_ and messaging_service_sid")
        self._api = TwilioMessagesApi(
            account_sid, auth_token, base_url=api_base_url or API_BASE_URL, timeout_s=timeout_s, pool_size=pool_size
        )
        self._sender = {"From": from_} if from_ is not None else {"MessagingServiceSid": str(messaging_service_sid)}

    def send(
        self,
        to: str,
        body: str,
        *,
        idempotency_key: str,
        validity_period_s: int = DEFAULT_VALIDITY_PERIOD_S,
        status_callback_url: str | None = None,
    ) -> SendResult:
        """Twilio's Messages API takes no idempotency key: the key only labels the log line. Sending once
        is the outbox's job, and a read timeout comes back as TemporaryFailure(maybe_sent=True)."""
        validity = max(1, min(int(validity_period_s), MAX_VALIDITY_PERIOD_S))
        form = {"To": to, "Body": body, **self._sender, "ValidityPeriod": str(validity)}
        if status_callback_url:
            form["StatusCallback"] = status_callback_url
        try:
            answer = self._api.create(form)
        except NoAnswer as exc:
            raise TemporaryFailure(str(exc), maybe_sent=exc.maybe_sent) from exc
        if not answer.ok:
            raise _classify(answer)
        sid, status = str(answer.body.get("sid", "")), answer.body.get("status")
        log.info("sms sent to=%s sid=%s status=%s key=%s", mask_msisdn(to), sid, status, idempotency_key)
        return SendResult(sid, _status(status))

    def find_sent(self, to: str, body: str, *, idempotency_key: str, since: datetime) -> SendResult | None:
        """Twilio has no idempotency key: list the Messages to `to` sent since `since` and match the body."""
        try:
            answer = self._api.recent(to, since, LOOKUP_LIMIT)
        except NoAnswer as exc:
            raise TemporaryFailure(str(exc)) from exc
        if not answer.ok:
            failure = _classify(answer)
            raise TemporaryFailure(str(failure), status=answer.status)
        messages = answer.body.get("messages")
        for message in messages if isinstance(messages, list) else []:
            if not isinstance(message, dict):
                continue
            if message.get("body") == body and str(message.get("direction") or "").startswith("outbound"):
                log.info("sms found to=%s sid=%s key=%s", mask_msisdn(to), message.get("sid"), idempotency_key)
                return SendResult(str(message.get("sid")), _status(message.get("status")))
        return None

    def close(self) -> None:
        self._api.close()

    def __enter__(self) -> TwilioProvider:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _classify(answer: Answer) -> TemporaryFailure | PermanentFailure:
    status = answer.status
    raw_code = answer.body.get("code")
    code = raw_code if isinstance(raw_code, int) and not isinstance(raw_code, bool) else status
    detail = _redact(str(answer.body.get("message") or f"HTTP {status}"))
    if status == TOO_MANY_REQUESTS or status >= 500:
        return TemporaryFailure(detail, retry_after_s=_retry_after_s(answer.headers), status=status, code=code)
    reason = TWILIO_REASONS.get(code) or (FailureReason.CREDENTIALS if status in (401, 403) else FailureReason.REJECTED)
    return PermanentFailure(code, reason, detail, status=status)


def _redact(detail: str) -> str:
    """Twilio's messages quote the number (`The 'To' number +62812... is not valid`); logs see it masked."""
    return _NUMBER.sub(lambda m: mask_msisdn(m.group()), detail)


def _status(raw: Any) -> MessageStatus:
    """Twilio answers `queued` (or `accepted` via a Messaging Service); anything new counts as accepted."""
    try:
        return MessageStatus(str(raw))
    except ValueError:
        return MessageStatus.ACCEPTED


def _retry_after_s(headers: dict[str, str]) -> float | None:
    """Seconds from a `Retry-After: 30` header; the HTTP-date form is ignored (no clock here)."""
    raw = next((v.strip() for k, v in headers.items() if k.lower() == "retry-after"), "")
    seconds = ascii_int(raw)
    return float(seconds) if seconds is not None else None
