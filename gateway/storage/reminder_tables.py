"""The `reminders` table: one row per (instalment, offset), a unique key in the database.

The row is written first, in the same transaction as its outbox row; a second scan (or a second
scanner running at the same moment) cannot write it again. `outbox_id` traces delivery.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gateway.storage import sms_tables as _sms_tables  # noqa: F401  (sms_outbox must be on the metadata)
from gateway.storage.base import Base, UTCDateTime

UNIQUE_NAME = "uq_reminders_instalment_offset"
ID_TYPE = BigInteger().with_variant(Integer, "sqlite")  # SQLite only autoincrements INTEGER keys


class ReminderRow(Base):
    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("instalment_id", "offset_days", name=UNIQUE_NAME),)

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True)
    instalment_id: Mapped[int] = mapped_column(ForeignKey("instalments.id"))
    offset_days: Mapped[int] = mapped_column(Integer)
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("sms_outbox.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
