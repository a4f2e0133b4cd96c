"""One USSD request, whatever the aggregator's wire format."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

MAX_TEXT_LENGTH = 1000
MAX_ID_LENGTH = 128


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
