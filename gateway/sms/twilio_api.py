"""A thin client for the two calls of Twilio's Messages API we make: create a message, list recent ones.

Why not the twilio library: it costs about 1 ms of CPU per message (request building, a proxy lookup in
the environment on every call, response objects), three times a plain pooled POST, and a worker sending
600 messages a second has 1.7 ms per message for everything; its http client also keeps the last
response on the shared instance, so threads cannot share one. This client keeps one connection pool per
process (`pool_size` keep-alive connections, shared by the sending threads), a bounded timeout on every
call, and no hidden retries (a retried POST could send an SMS twice). tests/integration/
test_twilio_provider.py pins its requests to the twilio library's, field by field.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import urllib3

API_BASE_URL = "https://api.twilio.com"
API_VERSION = "2010-04-01"
DEFAULT_POOL_SIZE = 8
FORM = "application/x-www-form-urlencoded"
USER_AGENT = "jembatan-gateway"
SINCE_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # as the twilio library serialises `date_sent_after`


class NoAnswer(Exception):
    """The API did not answer. `maybe_sent`: the request was written and then the answer timed out
    or broke off, so Twilio may have the message."""

    def __init__(self, detail: str, *, maybe_sent: bool) -> None:
        super().__init__(detail)
        self.maybe_sent = maybe_sent


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class TwilioMessagesApi:
    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        *,
        base_url: str = API_BASE_URL,
        timeout_s: float,
        pool_size: int = DEFAULT_POOL_SIZE,
    ) -> None:
        self._path = f"/{API_VERSION}/Accounts/{account_sid}/Messages.json"
        self._url = base_url.rstrip("/") + self._path
        self._headers = {
            **urllib3.make_headers(basic_auth=f"{account_sid}:{auth_token}", keep_alive=True),
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
        }
        self._pool = urllib3.PoolManager(
            num_pools=2,
            maxsize=max(1, pool_size),
            block=True,  # never more than pool_size connections; a thread waits for a free one
            timeout=urllib3.Timeout(connect=timeout_s, read=timeout_s),
            retries=urllib3.Retry(total=1, connect=1, read=0, status=0, other=0, redirect=0),
        )

    def create(self, form: dict[str, str]) -> Answer:
        """POST one message (a connection refused is retried once: nothing was sent)."""
        headers = {**self._headers, "Content-Type": FORM}
        return self._call("POST", self._url, body=urlencode(form), headers=headers, written=True)

    def recent(self, to: str, since: datetime, limit: int) -> Answer:
        """GET the newest `limit` messages to `to` sent since `since` (one page)."""
        query = urlencode({"To": to, "DateSent>": since.astimezone(UTC).strftime(SINCE_FORMAT), "PageSize": limit})
        return self._call("GET", f"{self._url}?{query}", headers=self._headers, written=False)

    def _call(
        self, method: str, url: str, *, headers: dict[str, str], written: bool, body: str | None = None
    ) -> Answer:
        try:
            response = self._pool.request(method, url, body=body, headers=headers, redirect=False)
        except urllib3.exceptions.ReadTimeoutError as exc:
            raise NoAnswer("no answer within the timeout", maybe_sent=written) from exc
        except urllib3.exceptions.MaxRetryError as exc:
            reason = exc.reason
            broke_off = isinstance(reason, urllib3.exceptions.ProtocolError | urllib3.exceptions.ReadTimeoutError)
            raise NoAnswer(f"network: {type(reason).__name__}", maybe_sent=written and broke_off) from exc
        except urllib3.exceptions.ProtocolError as exc:  # the connection broke after the request went out
            raise NoAnswer(f"network: {type(exc).__name__}", maybe_sent=written) from exc
        except urllib3.exceptions.HTTPError as exc:
            raise NoAnswer(f"network: {type(exc).__name__}", maybe_sent=False) from exc
        return Answer(response.status, _json(response.data), dict(response.headers))

    def close(self) -> None:
        self._pool.clear()


def _json(raw: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(raw or b"{}")
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}
