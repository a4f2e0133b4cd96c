"""The `complaints` table (pengaduan, POJK 22/2023): one row per ticket, with its deadlines.

`reference` (ADU-2026-000123) is what the customer quotes; (`year`, `number`) is unique, so two tickets
opened at the same moment cannot share a number. `text` and `answer_text` are personal data: never
logged. Deadlines are local calendar days of the bank (working days counted by gateway.banking.calendar).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

from sqlalchemy import BigInteger, Date, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gateway.storage.base import KEY_LENGTH, Base, UTCDateTime

ID_TYPE = BigInteger().with_variant(Integer, "sqlite")  # SQLite only autoincrements INTEGER keys
REFERENCE_LENGTH = 16
TEXT_MAX_CHARS = 1000
"""A complaint or an answer longer than this is cut (an SMS complaint is at most a few segments)."""


class ComplaintStatus(str, Enum):
    OPEN = "open"  # acknowledged, waiting for an answer
    ANSWERED = "answered"  # the answer was written and its SMS queued


class ComplaintRow(Base):
    __tablename__ = "complaints"
    __table_args__ = (UniqueConstraint("year", "number", name="uq_complaints_year_number"),)

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True)
    reference: Mapped[str] = mapped_column(String(REFERENCE_LENGTH), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    msisdn: Mapped[str] = mapped_column(String(20), index=True)
    customer_id: Mapped[int | None] = mapped_column(Integer)
    lang: Mapped[str] = mapped_column(String(8))
    tz: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(8))
    topic: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    call_back: Mapped[bool] = mapped_column(default=False)
    """The customer asked to be called rather than writing (USSD input is short)."""
    status: Mapped[str] = mapped_column(String(12), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answer_due: Mapped[date] = mapped_column(Date)
    extended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    extended_by: Mapped[str | None] = mapped_column(String(64))
    extension_reason: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_by: Mapped[str | None] = mapped_column(String(64))
    answer_text: Mapped[str | None] = mapped_column(Text)
    answer_outbox_id: Mapped[int | None] = mapped_column(Integer)
    idempotency_key: Mapped[str] = mapped_column(String(KEY_LENGTH), unique=True)
