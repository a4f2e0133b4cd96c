"""Tables for messaging, on the ledger's metadata so one transaction can hold a payment and its SMS."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

from sqlalchemy import Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gateway.storage.base import KEY_LENGTH, Base, UTCDateTime

MESSAGE_ID_LENGTH = 128


class OutboxStatus(str, Enum):
    PENDING = "pending"  # written, not yet handed to a provider
    SENDING = "sending"  # claimed by a worker; the provider may or may not have it
    SENT = "sent"  # the provider accepted it
    DELIVERED = "delivered"
    UNDELIVERED = "undelivered"
    FAILED = "failed"  # permanent error, or retries used up
    EXPIRED = "expired"  # its sending window closed before it could go
    SUPPRESSED = "suppressed"  # the customer opted out and it is not required by the contract
    CANCELLED = "cancelled"  # the feature that wrote it no longer wants it (a reminder for a paid instalment)


FINAL_STATUSES = frozenset(
    {
        OutboxStatus.DELIVERED,
        OutboxStatus.UNDELIVERED,
        OutboxStatus.FAILED,
        OutboxStatus.EXPIRED,
        OutboxStatus.SUPPRESSED,
        OutboxStatus.CANCELLED,
    }
)


class OutboxRow(Base):
    __tablename__ = "sms_outbox"
    __table_args__ = (Index("ix_sms_outbox_status_not_before", "status", "not_before"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(KEY_LENGTH), unique=True)
    to_msisdn: Mapped[str] = mapped_column(String(20), index=True)
    body: Mapped[str] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(String(40))
    required_by_contract: Mapped[bool] = mapped_column(Boolean, default=False)
    segments: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(20), default=OutboxStatus.PENDING.value)
    provider: Mapped[str] = mapped_column(String(20), default="")
    provider_id: Mapped[str | None] = mapped_column(String(64), index=True)
    provider_status: Mapped[str | None] = mapped_column(String(20))
    """The provider's newest status (`queued`, `sent`, `delivered`, ...): out-of-order callbacks compare to it."""
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error_code: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    enqueued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    """When a send job was last queued for it; None: no job holds it (the sweeper queues one when due)."""
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SmsPreferenceRow(Base):
    """Opt-out per phone number (not per customer row: an unknown sender can opt out too)."""

    __tablename__ = "sms_preferences"

    msisdn: Mapped[str] = mapped_column(String(20), primary_key=True)
    opted_out: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    keyword: Mapped[str] = mapped_column(String(20), default="")


class InboundMessageRow(Base):
    """Every inbound SMS once (a provider's retry is recognised by its message id); PINs scrubbed."""

    __tablename__ = "sms_inbound"
    __table_args__ = (UniqueConstraint("provider", "provider_message_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    provider_message_id: Mapped[str] = mapped_column(String(MESSAGE_ID_LENGTH))
    """Whole, never cut (gateway.sms.inbound.MAX_MESSAGE_ID_CHARS refuses longer ids)."""
    from_msisdn: Mapped[str] = mapped_column(String(32))
    body: Mapped[str] = mapped_column(Text)
    keyword: Mapped[str] = mapped_column(String(20), default="")
    outcome: Mapped[str] = mapped_column(String(40), default="")
    reply_outbox_id: Mapped[int | None] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
