"""Loan decisions (`gateway.decisions`): consent, each application's case, its decisions and the LOS hand-off.

`loan_decisions` is a history: a row is added for every scoring run, officer action, loan-system callback or
withdrawal, never changed. `loan_cases` holds where an application stands now (one row per reference);
`loan_consents` the customer's answer to the consent question; `los_deliveries` the outbound webhook's
state, one row per application reference (so the loan system receives an application once).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from gateway.storage.base import Base, UTCDateTime

REFERENCE_LENGTH = 20
ID_TYPE = BigInteger().with_variant(Integer, "sqlite")  # SQLite only autoincrements INTEGER keys


class ConsentRow(Base):
    __tablename__ = "loan_consents"

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True)
    reference: Mapped[str] = mapped_column(String(REFERENCE_LENGTH), unique=True)
    msisdn: Mapped[str] = mapped_column(String(20), index=True)
    granted: Mapped[bool] = mapped_column(Boolean)
    wording_version: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(10))
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CaseRow(Base):
    __tablename__ = "loan_cases"

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True)
    reference: Mapped[str] = mapped_column(String(REFERENCE_LENGTH), unique=True)
    msisdn: Mapped[str] = mapped_column(String(20), index=True)
    state: Mapped[str] = mapped_column(String(20), index=True)
    lang: Mapped[str] = mapped_column(String(8))
    channel: Mapped[str] = mapped_column(String(10))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    scored_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class DecisionRow(Base):
    __tablename__ = "loan_decisions"

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True)
    reference: Mapped[str] = mapped_column(String(REFERENCE_LENGTH), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    outcome: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(20))
    reason_code: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(String(500))
    score: Mapped[int | None] = mapped_column(Integer)
    scorecard_version: Mapped[str] = mapped_column(String(40))
    policy_version: Mapped[str] = mapped_column(String(40))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    """Features, points, reasons, the policy's limit and whether consent widened the records used."""
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class LosDeliveryRow(Base):
    __tablename__ = "los_deliveries"

    id: Mapped[int] = mapped_column(ID_TYPE, primary_key=True)
    reference: Mapped[str] = mapped_column(String(REFERENCE_LENGTH), unique=True)
    state: Mapped[str] = mapped_column(String(12), index=True)
    attempts: Mapped[int] = mapped_column(Integer)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
