"""Inbound SMS and delivery reports: authenticate, normalise the sender to E.164, bound the body.

Nothing here touches Flask: views pass `request.form`, `request.headers` and the public URL Twilio
called (the configured public base URL plus path and query string, never `request.url`, which is
wrong behind a proxy).
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, Protocol

from twilio.request_validator import (
    SIGNATURE_HEADER,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    get_signature_algorithm,
)

from gateway.phones import UnusableNumber, normalize_msisdn
from gateway.sms.numbers import ascii_int
from gateway.sms.providers import MessageStatus

MAX_BODY_CHARS = 1600
"""Longer bodies are cut to this for processing and flagged `truncated`."""
AGGREGATOR_ACK = "000"
"""What DartMedia-style aggregators expect as the response body for a received message."""
MAX_MESSAGE_ID_CHARS = 128
"""A provider's message id is stored whole; a longer one (or one with control characters) is refused
with 400 (never cut: two ids sharing a prefix would become one message, and the second be dropped)."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class HeaderLookup(Protocol):
    """A plain dict or Flask's `request.headers`."""

    def get(self, key: str, /) -> str | None: ...
    def items(self) -> Iterable[tuple[str, str]]: ...


class RejectReason(str, Enum):
    MISSING_SIGNATURE = "missing_signature"
    BAD_SIGNATURE = "bad_signature"
    BAD_CREDENTIAL = "bad_credential"
    MISSING_FIELD = "missing_field"
    UNUSABLE_NUMBER = "unusable_number"
    UNKNOWN_STATUS = "unknown_status"
    BAD_MESSAGE_ID = "bad_message_id"


@dataclass(frozen=True)
class Rejected:
    reason: RejectReason
    detail: str = ""


@dataclass(frozen=True)
class InboundSms:
    sender: str
    """E.164."""
    to: str
    """Our number or short code, as the provider gave it."""
    body: str
    """Unicode kept as sent; at most MAX_BODY_CHARS."""
    provider: str
    provider_message_id: str
    truncated: bool = False
    opt_out_type: str | None = None
    """Twilio Advanced Opt-Out's verdict (`STOP`, `START`, `HELP`) when Twilio already acted on the body."""

    @property
    def empty(self) -> bool:
        return not self.body.strip()


@dataclass(frozen=True)
class StatusUpdate:
    provider_message_id: str
    status: MessageStatus
    error_code: int | None = None


def twilio_signature_ok(form: Mapping[str, Any], headers: HeaderLookup, url: str, auth_token: str) -> bool:
    signature = _header(headers, SIGNATURE_HEADER)
    if not signature or not auth_token:
        return False
    algorithm = get_signature_algorithm(_header(headers, SIGNATURE_SETTINGS_HEADER))
    return bool(RequestValidator(auth_token).validate(url, form, signature, algorithm))


def parse_twilio(form: Mapping[str, Any], headers: HeaderLookup, url: str, auth_token: str) -> InboundSms | Rejected:
    """An inbound message webhook (`From`, `To`, `Body`, `MessageSid`), signature checked first."""
    refused = _check_signature(form, headers, url, auth_token)
    if refused:
        return refused
    sid = _field(form, "MessageSid") or _field(form, "SmsSid")
    if not sid:
        return Rejected(RejectReason.MISSING_FIELD, "MessageSid")
    if not usable_message_id(sid):
        return Rejected(RejectReason.BAD_MESSAGE_ID)
    sender = _sender(_field(form, "From"))
    if isinstance(sender, Rejected):
        return sender
    body, truncated = _bounded(_field(form, "Body", strip=False))
    opt_out = _field(form, "OptOutType").upper() or None
    return InboundSms(sender, _field(form, "To"), body, "twilio", sid, truncated, opt_out)


def parse_twilio_status(
    form: Mapping[str, Any], headers: HeaderLookup, url: str, auth_token: str
) -> StatusUpdate | Rejected:
    """A status callback (`MessageSid`, `MessageStatus`, `ErrorCode`), signature checked first."""
    refused = _check_signature(form, headers, url, auth_token)
    if refused:
        return refused
    sid = _field(form, "MessageSid") or _field(form, "SmsSid")
    raw_status = (_field(form, "MessageStatus") or _field(form, "SmsStatus")).lower()
    if not sid or not raw_status:
        return Rejected(RejectReason.MISSING_FIELD, "MessageSid and MessageStatus")
    if not usable_message_id(sid):
        return Rejected(RejectReason.BAD_MESSAGE_ID)
    try:
        status = MessageStatus(raw_status)
    except ValueError:
        return Rejected(RejectReason.UNKNOWN_STATUS, raw_status)
    code = _field(form, "ErrorCode")
    return StatusUpdate(sid, status, ascii_int(code))


def parse_aggregator(params: Mapping[str, Any], credential: str, expected_credential: str) -> InboundSms | Rejected:
    """The DartMedia / Hub9 shape (GET or POST): `original` (sender), `sendto` (short code), `messageid`,
    `message`. Answer an accepted message with AGGREGATOR_ACK. An empty expected credential refuses all."""
    if not expected_credential or not hmac.compare_digest(credential.encode(), expected_credential.encode()):
        return Rejected(RejectReason.BAD_CREDENTIAL)
    original, sendto = _field(params, "original"), _field(params, "sendto")
    if not original or not sendto:
        return Rejected(RejectReason.MISSING_FIELD, "original and sendto")
    message_id = _field(params, "messageid")
    if message_id and not usable_message_id(message_id):
        return Rejected(RejectReason.BAD_MESSAGE_ID)
    sender = _sender(original)
    if isinstance(sender, Rejected):
        return sender
    body, truncated = _bounded(_field(params, "message", strip=False))
    return InboundSms(sender, sendto, body, "aggregator", message_id, truncated)


def usable_message_id(message_id: str) -> bool:
    """At most MAX_MESSAGE_ID_CHARS and no control characters (a NUL cannot be stored in PostgreSQL)."""
    return len(message_id) <= MAX_MESSAGE_ID_CHARS and not _CONTROL.search(message_id)


def clean_text(text: str) -> str:
    """Without NUL characters, which PostgreSQL text cannot hold; everything else is kept as sent."""
    return text.replace("\x00", "")


def _check_signature(form: Mapping[str, Any], headers: HeaderLookup, url: str, auth_token: str) -> Rejected | None:
    if not _header(headers, SIGNATURE_HEADER):
        return Rejected(RejectReason.MISSING_SIGNATURE)
    if not twilio_signature_ok(form, headers, url, auth_token):
        return Rejected(RejectReason.BAD_SIGNATURE)
    return None


def _sender(raw: str) -> str | Rejected:
    try:
        return normalize_msisdn(raw)
    except UnusableNumber as exc:
        return Rejected(RejectReason.UNUSABLE_NUMBER, str(exc))


def _bounded(body: str) -> tuple[str, bool]:
    return (body[:MAX_BODY_CHARS], True) if len(body) > MAX_BODY_CHARS else (body, False)


def _field(form: Mapping[str, Any], name: str, *, strip: bool = True) -> str:
    value = form.get(name)
    if not isinstance(value, str):
        return ""
    if "\x00" in value and name not in _ID_FIELDS:
        value = clean_text(value)
    return value.strip() if strip else value


_ID_FIELDS = frozenset({"MessageSid", "SmsSid", "messageid"})
"""Ids are refused when they hold a control character (usable_message_id), never silently changed."""


def _header(headers: HeaderLookup, name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        value = next((v for k, v in headers.items() if k.lower() == name.lower()), None)
    return value or None
