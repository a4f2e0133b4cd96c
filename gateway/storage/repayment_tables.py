"""Where each repayment went (gateway/banking/repay_records.py states the order of application)."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from gateway.storage.base import Base


class AllocationRow(Base):
    __tablename__ = "repayment_allocations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    repayment_id: Mapped[int] = mapped_column(ForeignKey("repayments.id"), index=True)
    instalment_id: Mapped[int] = mapped_column(ForeignKey("instalments.id"))
    late_fee: Mapped[int] = mapped_column(BigInteger)
    interest: Mapped[int] = mapped_column(BigInteger)
    fee: Mapped[int] = mapped_column(BigInteger)
    principal: Mapped[int] = mapped_column(BigInteger)
    waived: Mapped[int] = mapped_column(BigInteger)
