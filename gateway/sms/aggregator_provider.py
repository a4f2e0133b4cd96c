"""Outbound SMS through a local aggregator of the DartMedia / Hub9 shape (as RapidPro's courier documents it).

One GET per SMS part to the configured URL with `userid`, `password`, `original` (our sender), `sendto`
(the number without `+`), `message`, `messageid`, `dcs=0`, `udhl=0`. The body answers:

| answer                 | means                                                   |
|------------------------|---------------------------------------------------------|
| `000`                  | accepted                                                |
| `001`, `101`           | authentication failed / account expired: PermanentFailure(CREDENTIALS) |
| any other body         | refused: PermanentFailure(REJECTED)                     |
| HTTP 429, 5xx, network | TemporaryFailure (the outbox retries)                   |

A text longer than one SMS goes as parts of at most PART_CHARS characters; part 1 carries the message
id, parts 2, 3, ... carry `<id>.2`, `<id>.3`. The message id is derived from the outbox idempotency
key, so a retry of the same message sends the same ids (the aggregator can recognise it).
Delivery reports (`status=10|30&messageid=<id>[.n]`) are parsed by `parse_delivery_report`.
"""

from __future__ import annotations

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import datetime

import requests

from gateway.phones import mask_msisdn
from gateway.sms.numbers import ascii_int
from gateway.sms.providers import (
    DEFAULT_VALIDITY_PERIOD_S,
    FailureReason,
    MessageStatus,
    PermanentFailure,
    SendResult,
    TemporaryFailure,
)

DEFAULT_TIMEOUT_S = 5.0
"""Connect and read timeout of each GET."""
PART_CHARS = 160
"""`udhl=0`: no concatenation header, so each part is a whole SMS of up to 160 GSM-7 characters."""
MAX_PARTS = 10
ACCEPTED = "000"
PERMANENT_ANSWERS = {"001": 1, "101": 101}
"""Authentication failed, account expired: every message fails until the operator fixes the account."""
ID_PREFIX = "jmb"
ID_HASH_CHARS = 24
DELIVERED, FAILED = 10, 30
_REPORT_STATUS = {DELIVERED: MessageStatus.DELIVERED, FAILED: MessageStatus.FAILED}
_PART_SUFFIX = re.compile(r"\.[0-9]{1,3}$")
TOO_MANY_REQUESTS = 429

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AggregatorAccount:
    send_url: str
    userid: str
    password: str
    sender: str


def message_id(idempotency_key: str) -> str:
    """Our id for the message (the outbox row's `provider_id`): stable for a key, short, ASCII."""
    return ID_PREFIX + hashlib.sha256(idempotency_key.encode()).hexdigest()[:ID_HASH_CHARS]


def split_parts(body: str, size: int = PART_CHARS) -> list[str]:
    """Parts of at most `size` characters, cut at a space where one is near the end."""
    parts: list[str] = []
    rest = body
    while len(rest) > size:
        cut = rest.rfind(" ", size // 2, size + 1)
        cut = cut if cut > 0 else size
        parts.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    parts.append(rest)
    return parts


class AggregatorProvider:
    """Sends through the aggregator with `requests` (a session of its own, every call bounded by a timeout)."""

    def __init__(
        self,
        account: AggregatorAccount,
        *,
        timeout_s: float = DEFAULT_TIMEOUT_S,
        session: requests.Session | None = None,
    ) -> None:
        if not account.send_url:
            raise ValueError("the aggregator's send URL is required")
        self._account = account
        self._timeout_s = timeout_s
        self._session = session or requests.Session()

    def send(
        self,
        to: str,
        body: str,
        *,
        idempotency_key: str,
        validity_period_s: int = DEFAULT_VALIDITY_PERIOD_S,
        status_callback_url: str | None = None,
    ) -> SendResult:
        """Each part in order; a failure on a later part fails the send (the retry sends all parts again,
        with the same ids). `validity_period_s` and callbacks are not part of this API."""
        base_id = message_id(idempotency_key)
        parts = split_parts(body)[:MAX_PARTS]
        for number, text in enumerate(parts, start=1):
            self._send_part(to, text, base_id if number == 1 else f"{base_id}.{number}")
        log.info("sms sent to=%s id=%s parts=%d key=%s", mask_msisdn(to), base_id, len(parts), idempotency_key)
        return SendResult(base_id, MessageStatus.SENT)

    def find_sent(self, to: str, body: str, *, idempotency_key: str, since: datetime) -> SendResult | None:
        """The aggregator has no look-up: None, so the sweeper sends again, with the same message ids."""
        return None

    def _send_part(self, to: str, text: str, part_id: str) -> None:
        params = {
            "userid": self._account.userid,
            "password": self._account.password,
            "original": self._account.sender,
            "sendto": to.lstrip("+"),
            "message": text,
            "messageid": part_id,
            "dcs": "0",
            "udhl": "0",
        }
        try:
            response = self._session.get(self._account.send_url, params=params, timeout=self._timeout_s)
        except requests.exceptions.ReadTimeout as exc:
            raise TemporaryFailure("no answer within the timeout", maybe_sent=True) from exc
        except requests.exceptions.RequestException as exc:
            raise TemporaryFailure(f"network: {exc.__class__.__name__}") from exc
        status = response.status_code
        if status == TOO_MANY_REQUESTS or status >= 500:
            retry_after = ascii_int(response.headers.get("Retry-After", ""))
            raise TemporaryFailure(
                f"HTTP {status}", status=status, retry_after_s=float(retry_after) if retry_after is not None else None
            )
        answer = response.text.strip()[:16]
        if status == 200 and answer == ACCEPTED:
            return
        if answer in PERMANENT_ANSWERS:
            raise PermanentFailure(
                PERMANENT_ANSWERS[answer], FailureReason.CREDENTIALS, f"aggregator answered {answer}", status=status
            )
        raise PermanentFailure(status, FailureReason.REJECTED, f"aggregator answered HTTP {status}", status=status)

    def close(self) -> None:
        self._session.close()


@dataclass(frozen=True)
class DeliveryReport:
    message_id: str
    """The message's id, without a part suffix."""
    status: MessageStatus | None
    """None: a status code this module does not know (recorded nowhere, answered all the same)."""


def parse_delivery_report(raw_status: str, raw_message_id: str) -> DeliveryReport | None:
    """`status=10|30&messageid=<id>[.n]`; None when the status is missing or not a number, or the id is missing."""
    code = ascii_int(raw_status.strip())
    message = raw_message_id.strip()
    if code is None or not message:
        return None
    return DeliveryReport(_PART_SUFFIX.sub("", message), _REPORT_STATUS.get(code))
