"""What reminders read from the bank: unpaid instalments with their borrowers, asked for by due date and zone."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Protocol


@dataclass(frozen=True)
class DueQuery:
    """Instalments due on `due_date` (a calendar day in `tz`), still unpaid, of loans in `loan_states`."""

    due_date: date
    tz: str
    loan_states: frozenset[str]
    products: frozenset[str] | None = None  # None: every product
    on: date | None = None
    """The local day the reminder speaks of (late fees accrue to it); None: the due date."""


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
    late_fee: int = 0
    """The late fee (denda) unpaid on this instalment as of `DueQuery.on`; 0 before the grace days end."""


class DueInstalments(Protocol):
    """The part of `Bank` reminders use, so a bank with its own core gets reminders by serving these two."""

    def borrower_time_zones(self) -> list[str]: ...

    def due_instalments(self, query: DueQuery, page_size: int) -> Iterator[list[BorrowerInstalment]]:
        """Pages of unpaid instalments and their borrowers, in (customer id, instalment id) order."""
        ...
