"""The bank as handlers see it: plain frozen records and one Protocol, no I/O.

Amounts are whole rupiah (`int`, signed where a movement can go both ways). Datetimes are
timezone-aware; `date` fields (due dates) are calendar days in the customer's own time zone.
A bank with its own core system implements `Bank`; `gateway.banking.ledger.SqlBank` is the
built-in one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Protocol

from gateway.banking.access import ActivationCheck as ActivationCheck
from gateway.banking.access import ActivationOutcome as ActivationOutcome
from gateway.banking.access import PinCheck as PinCheck
from gateway.banking.access import PinOutcome as PinOutcome
from gateway.banking.due_records import BorrowerInstalment, DueQuery


class ApplicationStatus(str, Enum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    DISBURSED = "disbursed"


class LoanStatus(str, Enum):
    ACTIVE = "active"
    PAID = "paid"
    WRITTEN_OFF = "written_off"


class InterestKind(str, Enum):
    FLAT_MONTHLY = "flat_monthly"
    """`rate_percent` of the original principal per month of tenor."""
    EFFECTIVE_ANNUAL = "effective_annual"
    """`rate_percent` a year on the declining balance (annuity), pro rata per period by days."""


class PatternKind(str, Enum):
    MONTHLY = "monthly"
    HARVEST = "harvest"
    """One instalment every `every_days` days, when the crop is sold."""


class PrincipalRule(str, Enum):
    SPREAD = "spread"
    BALLOON = "balloon"
    """Interest and fees each period, the whole principal with the last instalment."""


class LoanRequestProblem(str, Enum):
    UNKNOWN_PRODUCT = "unknown_product"
    OUT_OF_RANGE = "out_of_range"
    BAD_TENOR = "bad_tenor"


class BankUnavailable(RuntimeError):
    """The bank's storage failed or timed out; the caller should answer `error`, not crash."""


@dataclass(frozen=True)
class Customer:
    id: int
    msisdn: str
    name: str
    tz: str
    lang: str
    registered: bool
    locked: bool
    value_chain: str
    place: str = ""


@dataclass(frozen=True)
class SavingsAccount:
    id: int
    number: str
    customer_id: int
    balance: int


@dataclass(frozen=True)
class SavingsTransaction:
    posted_at: datetime
    amount: int
    kind: str
    description: str
    """A locale key such as `banking.tx.milk_payment`."""
    balance_after: int


@dataclass(frozen=True)
class RepaymentPattern:
    kind: PatternKind
    every_days: int = 30
    principal: PrincipalRule = PrincipalRule.SPREAD


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
    fee_flat: int = 0
    fee_percent: Decimal = Decimal(0)
    value_chain: str = ""

    def name(self, lang: str) -> str:
        return self.names.get(lang) or next(iter(self.names.values()), self.code)


def loan_request_problem(product: LoanProduct | None, amount: int, tenor: int) -> LoanRequestProblem | None:
    if product is None:
        return LoanRequestProblem.UNKNOWN_PRODUCT
    if not product.min_amount <= amount <= product.max_amount:
        return LoanRequestProblem.OUT_OF_RANGE
    return None if tenor in product.tenors else LoanRequestProblem.BAD_TENOR


@dataclass(frozen=True)
class Instalment:
    number: int
    due_date: date
    principal: int
    interest: int
    fee: int
    amount: int
    paid_amount: int = 0
    paid_at: datetime | None = None

    @property
    def remaining(self) -> int:
        return self.amount - self.paid_amount


@dataclass(frozen=True)
class Quote:
    product_code: str
    principal: int
    tenor: int
    instalments: tuple[Instalment, ...]

    @property
    def interest(self) -> int:
        return sum(i.interest for i in self.instalments)

    @property
    def fees(self) -> int:
        return sum(i.fee for i in self.instalments)

    @property
    def total(self) -> int:
        return sum(i.amount for i in self.instalments)


@dataclass(frozen=True)
class LoanApplication:
    reference: str
    product_code: str
    amount: int
    tenor: int
    purpose: str
    status: ApplicationStatus
    submitted_at: datetime


@dataclass(frozen=True)
class Loan:
    id: int
    reference: str
    product_code: str
    principal: int
    status: LoanStatus
    disbursed_at: datetime
    instalments: tuple[Instalment, ...] = ()

    @property
    def outstanding(self) -> int:
        return sum(i.remaining for i in self.instalments)

    @property
    def next_instalment(self) -> Instalment | None:
        return next((i for i in self.instalments if i.remaining > 0), None)


@dataclass(frozen=True)
class LoanSummary:
    applications: tuple[LoanApplication, ...] = ()  # not yet disbursed
    loans: tuple[Loan, ...] = ()


@dataclass(frozen=True)
class Repayment:
    reference: str
    loan_id: int
    instalment_number: int
    amount: int
    paid_at: datetime
    savings_balance: int
    outstanding: int


@dataclass(frozen=True)
class InsufficientFunds:
    balance: int
    amount_due: int


@dataclass(frozen=True)
class NothingDue:
    loan_id: int | None = None


RepayResult = Repayment | InsufficientFunds | NothingDue


@dataclass(frozen=True)
class DueInstalment:
    loan: Loan
    instalment: Instalment
    overdue: bool = field(default=False)


class Bank(Protocol):
    """Every method may raise `BankUnavailable`; money movements happen once per idempotency key."""

    def customer_by_msisdn(self, msisdn: str) -> Customer | None: ...

    # The language every channel and reminders use: the customer's last choice, the branch's before it.
    def customer_language(self, msisdn: str) -> str | None: ...  # None for a stranger

    def set_language(self, msisdn: str, lang: str) -> None: ...  # does nothing for a stranger

    # Access rules and outcomes: gateway/banking/access.py.
    def redeem_activation(self, msisdn: str, code: str, now: datetime) -> ActivationCheck:
        """The branch's one-time code; ok opens a short window for `activate_pin`."""
        ...

    def activate_pin(self, msisdn: str, pin: str, now: datetime) -> PinCheck:
        """First PIN, or a new one after a lock-out: ok, weak, not_activated, unknown."""
        ...

    def verify_pin(self, msisdn: str, pin: str) -> PinCheck: ...

    def change_pin(self, msisdn: str, new_pin: str) -> PinCheck:
        """For a session that has just passed `verify_pin`: the caller checks the old PIN."""
        ...

    def sms_banking(self, msisdn: str, now: datetime) -> bool: ...

    def set_sms_banking(self, msisdn: str, on: bool, now: datetime) -> bool:
        """For a session that has just passed `verify_pin`; False for a number that is not a customer."""
        ...

    def use_sms_banking(self, msisdn: str, now: datetime) -> bool:
        """The gate before an SMS bank command: True (and the inactivity clock restarts) while on."""
        ...

    def savings_balance(self, msisdn: str) -> SavingsAccount | None: ...

    def mini_statement(self, msisdn: str, limit: int = 5) -> tuple[SavingsTransaction, ...]: ...  # newest first

    def loan_products(self) -> tuple[LoanProduct, ...]: ...

    def quote(self, product_code: str, amount: int, tenor: int, start: date) -> Quote:
        """Raises KeyError for an unknown product; the caller checks `loan_request_problem` first."""
        ...

    def submit_application(
        self,
        msisdn: str,
        product_code: str,
        amount: int,
        tenor: int,
        purpose: str,
        idempotency_key: str,
        now: datetime,
    ) -> LoanApplication:
        """Raises ValueError for a request `loan_request_problem` refuses, LookupError for an unknown customer."""
        ...

    def my_loans(self, msisdn: str) -> LoanSummary: ...

    def next_due(self, msisdn: str, loan_id: int | None, now: datetime) -> DueInstalment | None:
        """The earliest unpaid instalment (of `loan_id`, or of any active loan); overdue by local date."""
        ...

    def repay_next_instalment(
        self,
        msisdn: str,
        loan_id: int | None,
        idempotency_key: str,
        now: datetime,
    ) -> RepayResult: ...

    def borrower_time_zones(self) -> list[str]: ...  # for reminders, as `due_instalments` (DueInstalments)

    def due_instalments(self, query: DueQuery, page_size: int) -> Iterator[list[BorrowerInstalment]]: ...
