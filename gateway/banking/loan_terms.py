"""Loan products and their terms as plain frozen records (no I/O); `interface.py` re-exports them.

Amounts are whole rupiah; percentages are `Decimal` percent (1.25 means 1.25 %).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from enum import Enum


class InterestKind(str, Enum):
    FLAT_MONTHLY = "flat_monthly"
    """`rate_percent` of the original principal per month of tenor (bunga flat)."""
    DECLINING_ANNUAL = "declining_annual"
    """`rate_percent` a year on the declining balance (annuity), pro rata per period (bunga menurun)."""


class PatternKind(str, Enum):
    MONTHLY = "monthly"
    HARVEST = "harvest"
    """One instalment every `every_days` days, when the crop is sold."""


class PrincipalRule(str, Enum):
    SPREAD = "spread"
    BALLOON = "balloon"
    """Interest and fees each period, the whole principal with the last instalment."""


class EarlyPayoff(str, Enum):
    INTEREST_TO_DATE = "interest_to_date"
    """Remaining principal + interest accrued to the payoff day + any late fees."""
    ALL_INTEREST = "all_interest"
    """Everything still scheduled (principal, interest and fees of every unpaid instalment)."""


class LoanRequestProblem(str, Enum):
    UNKNOWN_PRODUCT = "unknown_product"
    OUT_OF_RANGE = "out_of_range"
    BAD_TENOR = "bad_tenor"


class OpenApplicationExists(Exception):
    """The customer already has an application for this product that is not decided or paid out yet."""

    def __init__(self, reference: str) -> None:
        super().__init__(reference)
        self.reference = reference


@dataclass(frozen=True)
class RepaymentPattern:
    kind: PatternKind
    every_days: int = 30
    principal: PrincipalRule = PrincipalRule.SPREAD


@dataclass(frozen=True)
class LateFeeRule:
    """Denda: `percent_per_day` of the overdue instalment's amount for each day late after
    `grace_days`, never more than `cap_percent` of that instalment in total."""

    percent_per_day: Decimal
    grace_days: int
    cap_percent: Decimal


@dataclass(frozen=True)
class StampDuty:
    """Bea meterai: `amount` rupiah when the principal is above `above` rupiah (0 amount: none), paid by
    the borrower when she signs the contract (not spread over the instalments)."""

    amount: int = 0
    above: int = 0

    def for_principal(self, principal: int) -> int:
        return self.amount if principal > self.above else 0


@dataclass(frozen=True)
class LoanProduct:
    code: str
    names: Mapping[str, str]
    min_amount: int
    max_amount: int
    tenors: tuple[int, ...]  # months
    interest_kind: InterestKind
    rate_percent: Decimal
    pattern: RepaymentPattern
    fee_admin: int = 0
    """Biaya administrasi, rupiah."""
    fee_provisi_percent: Decimal = Decimal(0)
    """Biaya provisi, percent of the principal (rounded down to the rupiah)."""
    value_chains: tuple[str, ...] = ()
    """Empty: every value chain."""
    branches: tuple[str, ...] = ()
    """Empty: every branch. A branch matches a part of the customer's `place` ("Sumba Timur, NTT")."""
    stamp_duty_rule: StampDuty = field(default_factory=StampDuty)
    late_fee: LateFeeRule | None = None
    grace_days: int = 0
    """Days after disbursement before the first period starts."""
    min_partial_payment: int = 0
    early_payoff: EarlyPayoff = EarlyPayoff.INTEREST_TO_DATE

    def name(self, lang: str) -> str:
        return self.names.get(lang) or next(iter(self.names.values()), self.code)

    def provisi(self, principal: int) -> int:
        return int((principal * self.fee_provisi_percent / 100).to_integral_value(ROUND_FLOOR))

    def stamp_duty(self, principal: int) -> int:
        return self.stamp_duty_rule.for_principal(principal)

    def fee_total(self, principal: int) -> int:
        """Provisi + administrasi: what the schedule spreads over the instalments. Bea meterai is not in
        it: the borrower pays it when she signs, on the disbursement day (`stamp_duty`)."""
        return self.fee_admin + self.provisi(principal)

    def serves(self, value_chain: str, place: str) -> bool:
        """Offered to a customer of this value chain living in this place."""
        if self.value_chains and value_chain not in self.value_chains:
            return False
        if not self.branches:
            return True
        parts = {part.strip().casefold() for part in place.split(",")}
        return any(branch.casefold() in parts for branch in self.branches)


def loan_request_problem(product: LoanProduct | None, amount: int, tenor: int) -> LoanRequestProblem | None:
    if product is None:
        return LoanRequestProblem.UNKNOWN_PRODUCT
    if not product.min_amount <= amount <= product.max_amount:
        return LoanRequestProblem.OUT_OF_RANGE
    return None if tenor in product.tenors else LoanRequestProblem.BAD_TENOR
