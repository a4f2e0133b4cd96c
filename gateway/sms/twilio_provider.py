"""Outbound SMS through Twilio's Messages API, with the real twilio library and a bounded timeout."""

from __future__ import annotations

import logging
import re
import threading
from datetime import datetime
from types import TracebackType
from typing import Any

import requests
from twilio.base.exceptions import TwilioException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

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

DEFAULT_TIMEOUT_S = 5.0
LOOKUP_LIMIT = 100
"""How many of the newest messages to one number the sweeper's look-up reads."""
MAX_VALIDITY_PERIOD_S = 36_000  # Twilio accepts 1..36000 seconds
TOO_MANY_REQUESTS = 429
_NUMBER = re.compile(r"\+?\d{8,15}")

log = logging.getLogger(__name__)


class _HeaderKeepingHttpClient(TwilioHttpClient):
    """TwilioRestException drops response headers; keep the last ones per thread for Retry-After."""

    def __init__(self, timeout: float) -> None:
        super().__init__(timeout=timeout)
        self._local = threading.local()

    def request(self, *args: Any, **kwargs: Any) -> Response:
        self._local.headers = {}
        response = super().request(*args, **kwargs)
        self._local.headers = dict(response.headers or {})
        return response

    @property
    def last_headers(self) -> dict[str, str]:
        return getattr(self._local, "headers", {})

    def close(self) -> None:
        if self.session is not None:
            self.session.close()


class TwilioProvider:
    """Send through Twilio from a number (`from_`) or a Messaging Service; `api_base_url` points tests
    at a local fake (`http://127.0.0.1:PORT`) while the library still builds and parses every request."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        *,
        from_: str | None = None,
        messaging_service_sid: str | None = None,
        api_base_url: str | None = None,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        if (from_ is None) == (messaging_service_sid is None):
            raise ValueError("give exactly one of from_ and messaging_service_sid")
        self._http = _HeaderKeepingHttpClient(timeout=timeout_s)
        self._client = Client(account_sid, auth_token, http_client=self._http)
        if api_base_url:
            self._client.api.base_url = api_base_url.rstrip("/")
        self._sender: dict[str, Any] = (
            {"from_": from_} if from_ is not None else {"messaging_service_sid": messaging_service_sid}
        )

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
        extra: dict[str, Any] = {"status_callback": status_callback_url} if status_callback_url else {}
        validity = max(1, min(int(validity_period_s), MAX_VALIDITY_PERIOD_S))
        try:
            message = self._client.messages.create(to=to, body=body, validity_period=validity, **self._sender, **extra)
        except requests.exceptions.ReadTimeout as exc:
            raise TemporaryFailure(f"no answer within the timeout: {exc}", maybe_sent=True) from exc
        except requests.exceptions.RequestException as exc:
            raise TemporaryFailure(f"network: {exc.__class__.__name__}") from exc
        except TwilioException as exc:
            raise self._classify(exc) from exc
        log.info(
            "sms sent to=%s sid=%s status=%s key=%s", mask_msisdn(to), message.sid, message.status, idempotency_key
        )
        return SendResult(str(message.sid), _status(message.status))

    def find_sent(self, to: str, body: str, *, idempotency_key: str, since: datetime) -> SendResult | None:
        """Twilio has no idempotency key: list the Messages to `to` sent since `since` and match the body."""
        try:
            messages = self._client.messages.list(to=to, date_sent_after=since, limit=LOOKUP_LIMIT)
        except requests.exceptions.RequestException as exc:
            raise TemporaryFailure(f"network: {exc.__class__.__name__}") from exc
        except TwilioException as exc:
            failure = self._classify(exc)
            raise TemporaryFailure(str(failure), status=getattr(exc, "status", None)) from exc
        for message in messages:
            if message.body == body and str(message.direction or "").startswith("outbound"):
                log.info("sms found to=%s sid=%s key=%s", mask_msisdn(to), message.sid, idempotency_key)
                return SendResult(str(message.sid), _status(message.status))
        return None

    def _classify(self, exc: TwilioException) -> TemporaryFailure | PermanentFailure:
        status = getattr(exc, "status", None)
        code = getattr(exc, "code", None) or status or 0
        detail = _redact(str(getattr(exc, "msg", "") or getattr(exc, "detail", "") or exc.__class__.__name__))
        if status is None or status == TOO_MANY_REQUESTS or status >= 500:
            retry_after = _retry_after_s(self._http.last_headers)
            return TemporaryFailure(detail, retry_after_s=retry_after, status=status, code=int(code))
        reason = TWILIO_REASONS.get(int(code)) or (
            FailureReason.CREDENTIALS if status in (401, 403) else FailureReason.REJECTED
        )
        return PermanentFailure(int(code), reason, detail, status=status)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> TwilioProvider:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


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
