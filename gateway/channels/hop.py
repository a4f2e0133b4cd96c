"""One USSD request, whatever the aggregator's wire format."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

MAX_TEXT_LENGTH = 1000
"""Characters of `text` (every input of an Africa's Talking session) or of one JSON `input`."""
MAX_ID_LENGTH = 128
"""Characters of a session id."""
MAX_SERVICE_CODE_LENGTH = 32
"""Characters of a service code such as `*123#` or `*123*45#`."""
MAX_PHONE_LENGTH = 32
"""Characters of the caller's number as the aggregator writes it."""

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
"""Control characters (NUL included) and lone UTF-16 surrogates: no phone sends them."""


class InputStyle(str, Enum):
    CUMULATIVE = "cumulative"  # every input of the session joined by '*' (Africa's Talking)
    NEWEST = "newest"  # only the newest input, with a sequence number (Hubtel, Infobip style)


@dataclass(frozen=True)
class Hop:
    session_id: str
    msisdn: str
    service_code: str
    style: InputStyle
    text: str
    sequence: int = 0
    channel: str = "ussd"

    def new_inputs(self, consumed: int, is_new: bool) -> list[str]:
        """The inputs this request adds to what the session has already consumed."""
        if self.style is InputStyle.NEWEST:
            return [] if is_new else [self.text]
        parts = self.text.split("*") if self.text else []
        if len(parts) > consumed:
            return parts[consumed:]
        return parts[-1:]

    def consumed_after(self, consumed: int) -> int:
        if self.style is InputStyle.NEWEST:
            return self.sequence
        return max(consumed, len(self.text.split("*")) if self.text else 0)


class BadHop(ValueError):
    """A request the gateway cannot serve; `reason` is a locale key for the END text."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


LIMITS = {
    "session id": MAX_ID_LENGTH,
    "service code": MAX_SERVICE_CODE_LENGTH,
    "phone": MAX_PHONE_LENGTH,
    "text": MAX_TEXT_LENGTH,
}


def check_fields(session_id: str, service_code: str, phone: str, text: str) -> None:
    """Refuse (engine.bad_request) a field over its limit or holding a control character or a lone surrogate."""
    for name, value in zip(LIMITS, (session_id, service_code, phone, text), strict=True):
        if len(value) > LIMITS[name]:
            raise BadHop("engine.bad_request", f"{name} longer than {LIMITS[name]} characters")
        if _UNSAFE.search(value):
            raise BadHop("engine.bad_request", f"{name} holds a control character or a lone surrogate")


def is_clean_id(value: object) -> bool:
    """A session id that may be echoed back in a reply."""
    return isinstance(value, str) and len(value) <= MAX_ID_LENGTH and not _UNSAFE.search(value)
