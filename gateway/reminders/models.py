"""The `reminders` table: one row per (instalment, offset), a unique key in the database.

The row is written first, in the same transaction as its outbox row; a second scan (or a second
scanner running at the same moment) cannot write it again. `outbox_id` traces delivery.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import BigInteger, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gateway.banking.models import Base, UTCDateTime
from gateway.sms import tables as _sms_tables  # noqa: F401  (sms_outbox must be on the metadata)

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


def create_reminders_table(op: object) -> None:
    """For the lead's Alembic revision: `create_reminders_table(op)` inside `upgrade()`."""
    op.create_table(  # type: ignore[attr-defined]
        "reminders",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column("instalment_id", sa.Integer, sa.ForeignKey("instalments.id"), nullable=False),
        sa.Column("offset_days", sa.Integer, nullable=False),
        sa.Column("outbox_id", sa.Integer, sa.ForeignKey("sms_outbox.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("instalment_id", "offset_days", name=UNIQUE_NAME),
    )
    op.create_index("ix_reminders_outbox_id", "reminders", ["outbox_id"])  # type: ignore[attr-defined]


def drop_reminders_table(op: object) -> None:
    op.drop_index("ix_reminders_outbox_id", table_name="reminders")  # type: ignore[attr-defined]
    op.drop_table("reminders")  # type: ignore[attr-defined]
