"""What reminders read from the bank: unpaid instalments with their borrowers, asked for by due date and zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class DueQuery:
    """Instalments due on `due_date` (a calendar day in `tz`), still unpaid, of loans in `loan_states`."""

    due_date: date
    tz: str
    loan_states: frozenset[str]
    products: frozenset[str] | None = None  # None: every product


@dataclass(frozen=True)
class BorrowerInstalment:
    """An unpaid instalment with what a reminder about it needs to know of its borrower."""

    instalment_id: int
    loan_id: int
    customer_id: int
    msisdn: str
    name: str
    lang: str
    tz: str
    due_date: date
    outstanding: int
