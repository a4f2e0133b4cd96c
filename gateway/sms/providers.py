"""The seam between the outbox and whoever delivers an SMS: one Protocol, one result, two failures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Protocol

DEFAULT_VALIDITY_PERIOD_S = 3600
"""Drop a message the provider could not hand on within an hour: a stale balance or code helps no one."""


class MessageStatus(str, Enum):
    """Twilio's message statuses, used for every provider."""

    ACCEPTED = "accepted"
    SCHEDULED = "scheduled"
    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"
    CANCELED = "canceled"
    READ = "read"
    PARTIALLY_DELIVERED = "partially_delivered"
    RECEIVING = "receiving"
    RECEIVED = "received"

    @property
    def is_final(self) -> bool:
        return self in _FINAL

    def supersedes(self, previous: MessageStatus | None) -> bool:
        """Callbacks arrive out of order: `sent` after `delivered` must not move the outbox row back."""
        if previous is None or (previous is MessageStatus.DELIVERED and self is MessageStatus.READ):
            return True
        return not previous.is_final and _RANK[self] >= _RANK[previous]


_FINAL = frozenset(
    {
        MessageStatus.DELIVERED,
        MessageStatus.UNDELIVERED,
        MessageStatus.FAILED,
        MessageStatus.CANCELED,
        MessageStatus.READ,
        MessageStatus.RECEIVED,
    }
)
_ORDER = ["accepted", "scheduled", "queued", "sending", "sent", "receiving", "partially_delivered"]
_RANK = {status: (_ORDER.index(status.value) if status.value in _ORDER else len(_ORDER)) for status in MessageStatus}


class FailureReason(str, Enum):
    INVALID_NUMBER = "invalid_number"  # Twilio 21211
    OPTED_OUT = "opted_out"  # 21610: the number sent STOP; stop sending until START
    NOT_MOBILE = "not_mobile"  # 21614: a landline
    REGION_DISABLED = "region_disabled"  # 21408: the account may not send to this country (configuration)
    CREDENTIALS = "credentials"  # 401/403, 20003: every message will fail until configuration is fixed
    REJECTED = "rejected"  # any other refusal


TWILIO_REASONS = {
    21211: FailureReason.INVALID_NUMBER,
    21610: FailureReason.OPTED_OUT,
    21614: FailureReason.NOT_MOBILE,
    21408: FailureReason.REGION_DISABLED,
    20003: FailureReason.CREDENTIALS,
}


@dataclass(frozen=True)
class SendResult:
    provider_id: str
    status: MessageStatus


class TemporaryFailure(Exception):
    """Try again later (429, 5xx, network). `maybe_sent`: the provider may have accepted it anyway
    (a read timeout), so the outbox should wait for a status callback rather than resend blindly."""

    def __init__(
        self,
        detail: str,
        *,
        retry_after_s: float | None = None,
        maybe_sent: bool = False,
        status: int | None = None,
        code: int | None = None,
    ) -> None:
        super().__init__(detail)
        self.retry_after_s = retry_after_s
        self.maybe_sent = maybe_sent
        self.status = status
        self.code = code


class PermanentFailure(Exception):
    """Sending this message again will fail the same way."""

    def __init__(self, code: int, reason: FailureReason, detail: str = "", *, status: int | None = None) -> None:
        super().__init__(f"{reason.value} ({code}): {detail}" if detail else f"{reason.value} ({code})")
        self.code = code
        self.reason = reason
        self.status = status


class SmsProvider(Protocol):
    def send(
        self,
        to: str,
        body: str,
        *,
        idempotency_key: str,
        validity_period_s: int = DEFAULT_VALIDITY_PERIOD_S,
        status_callback_url: str | None = None,
    ) -> SendResult:
        """Hand one message to the provider; raises TemporaryFailure or PermanentFailure."""
        ...

    def find_sent(self, to: str, body: str, *, idempotency_key: str, since: datetime) -> SendResult | None:
        """The message if the provider already has it (sent to `to` with this body since `since`), else None.
        The outbox sweeper asks before it resends a message whose worker died mid-send. Raises
        TemporaryFailure when the provider cannot answer: then nobody knows, and nothing is resent."""
        ...
