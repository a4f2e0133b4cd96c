"""Value-chain records (milk deliveries, seaweed and patchouli sales) and the sources allowed to send them.

A record is keyed by `row_hash`, a digest of what it says (kind, customer, day, quantity, amount, buyer,
reference): importing the same file twice, or the same delivery by file and by API, stores it once.
Quantities are whole thousandths of their unit (millilitres of milk, grams of seaweed or patchouli).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from gateway.storage import ledger_tables as _ledger_tables  # noqa: F401  (customers must be on the metadata)
from gateway.storage.base import Base, UTCDateTime

ID_TYPE = BigInteger().with_variant(Integer, "sqlite")  # SQLite only autoincrements INTEGER keys
HASH_LENGTH = 64  # sha256, hex


class RecordSourceRow(Base):
    """A cooperative or buyer that may post records over HTTP; only the sha256 of its key is kept."""

    __tablename__ = "record_sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(60), unique=True)
    key_hash: Mapped[str] = mapped_column(String(HASH_LENGTH), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ValueChainRecordRow(Base):
    __tablename__ = "value_chain_records"
    __table_args__ = (Index("ix_value_chain_records_customer_day", "customer_id", "occurred_on"),)

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True)
    row_hash: Mapped[str] = mapped_column(String(HASH_LENGTH), unique=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    kind: Mapped[str] = mapped_column(String(20))
    value_chain: Mapped[str] = mapped_column(String(20))
    occurred_on: Mapped[date] = mapped_column(Date)
    quantity_milli: Mapped[int] = mapped_column(BigInteger)
    unit: Mapped[str] = mapped_column(String(4))
    amount: Mapped[int] = mapped_column(BigInteger)
    buyer: Mapped[str] = mapped_column(String(100))
    reference: Mapped[str] = mapped_column(String(60), default="")
    source: Mapped[str] = mapped_column(String(60))
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime)
