"""Records of repaying as money comes in (re-exported by `interface.py`): what a payment settled, the
payoff quote, and the refusals a payment can meet. Amounts are whole rupiah.

Order of application (every payment, partial or not): the OLDEST unpaid instalment first, and within
it the late fee (denda) first, then interest, then fees, then principal; what is left goes on to the
next instalment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import Enum

from gateway.banking.loan_terms import EarlyPayoff


class RepaymentKind(str, Enum):
    INSTALMENT = "instalment"
    """The next instalment in full (with its late fee)."""
    PARTIAL = "partial"
    """Any amount from the product's minimum."""
    PAYOFF = "payoff"
    """Early repayment in full by the product's rule; what the rule does not charge is waived."""


@dataclass(frozen=True)
class Allocation:
    instalment_number: int
    late_fee: int = 0
    interest: int = 0
    fee: int = 0
    principal: int = 0
    waived: int = 0
    """Scheduled interest and fees not charged (early payoff)."""

    @property
    def paid(self) -> int:
        return self.late_fee + self.interest + self.fee + self.principal


@dataclass(frozen=True)
class PayoffQuote:
    """What closes the loan today: `amount` = principal + interest + fees + late_fees."""

    loan_id: int
    rule: EarlyPayoff
    as_of: date
    principal: int
    interest: int
    fees: int
    late_fees: int
    waived: int
    allocations: tuple[Allocation, ...] = ()

    @property
    def amount(self) -> int:
        return self.principal + self.interest + self.fees + self.late_fees


@dataclass(frozen=True)
class BelowMinimum:
    minimum: int
    owed: int
    """All the loan still owes: an amount below the minimum is taken only when it pays all of this."""


@dataclass(frozen=True)
class PayoffChanged:
    """The payoff amount is no longer the one shown (e.g. a day has passed): show `quote` again."""

    quote: PayoffQuote


__all__ = ["Allocation", "BelowMinimum", "PayoffChanged", "PayoffQuote", "RepaymentKind"]
