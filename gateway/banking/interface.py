"""The bank as handlers see it: plain frozen records and one Protocol, no I/O.

Amounts are whole rupiah (`int`, signed where a movement can go both ways). Datetimes are
timezone-aware; `date` fields (due dates) are calendar days in the customer's own time zone.
A bank with its own core system implements `Bank`; `gateway.banking.ledger.SqlBank` is the
built-in one.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
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
from gateway.banking.loan_terms import EarlyPayoff as EarlyPayoff
from gateway.banking.loan_terms import InterestKind as InterestKind
from gateway.banking.loan_terms import LateFeeRule as LateFeeRule
from gateway.banking.loan_terms import LoanProduct as LoanProduct
from gateway.banking.loan_terms import LoanRequestProblem as LoanRequestProblem
from gateway.banking.loan_terms import OpenApplicationExists as OpenApplicationExists
from gateway.banking.loan_terms import PatternKind as PatternKind
from gateway.banking.loan_terms import PrincipalRule as PrincipalRule
from gateway.banking.loan_terms import RepaymentPattern as RepaymentPattern
from gateway.banking.loan_terms import StampDuty as StampDuty
from gateway.banking.loan_terms import loan_request_problem as loan_request_problem
from gateway.banking.repay_records import Allocation as Allocation
from gateway.banking.repay_records import BelowMinimum as BelowMinimum
from gateway.banking.repay_records import PayoffChanged as PayoffChanged
from gateway.banking.repay_records import PayoffQuote as PayoffQuote
from gateway.banking.repay_records import RepaymentKind as RepaymentKind
from gateway.complaints.records import ComplaintRequest, OpenedComplaint


class ApplicationStatus(str, Enum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    DISBURSED = "disbursed"
    WITHDRAWN = "withdrawn"
    """The customer withdrew it before disbursement (gateway.decisions)."""


class LoanStatus(str, Enum):
    ACTIVE = "active"
    PAID = "paid"
    WRITTEN_OFF = "written_off"


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
class InstalmentState:
    """What a reminder's last look needs (gateway/reminders/sendcheck.py): paid yet? loan still active?"""

    amount: int
    paid_amount: int
    loan_status: str


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
    waived: int = 0
    """Scheduled interest and fees not charged (early payoff)."""
    late_fee: int = 0
    """Late fee (denda) owed and unpaid on the day the record was read (gateway/banking/late_fees.py)."""
    days_late: int = 0

    @property
    def remaining(self) -> int:
        """What is still owed of the scheduled amount (without late fees)."""
        return self.amount - self.paid_amount - self.waived

    @property
    def to_pay(self) -> int:
        """What settles this instalment today: the late fee and the rest of the scheduled amount."""
        return self.remaining + self.late_fee


@dataclass(frozen=True)
class Quote:
    product_code: str
    principal: int
    tenor: int
    instalments: tuple[Instalment, ...]
    fee_provisi: int = 0
    fee_admin: int = 0
    stamp_duty: int = 0
    """Bea meterai for this principal (0 when not due), paid at signing: not in `fees` or `total`."""
    yearly_rate: Decimal | None = None
    """Yearly cost in percent from the cash flows, fees included (`gateway.banking.cost`)."""

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
        return sum(i.to_pay for i in self.instalments)

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
    kind: RepaymentKind = RepaymentKind.INSTALMENT
    late_fee: int = 0
    """The part of `amount` that paid late fees."""
    allocations: tuple[Allocation, ...] = ()


@dataclass(frozen=True)
class InsufficientFunds:
    balance: int
    amount_due: int


@dataclass(frozen=True)
class NothingDue:
    loan_id: int | None = None


RepayResult = Repayment | InsufficientFunds | NothingDue | BelowMinimum | PayoffChanged


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
        """Raises ValueError for a request `loan_request_problem` refuses, LookupError for an unknown customer,
        OpenApplicationExists when one for this product is still in progress (a retried key gets its own)."""
        ...

    def my_loans(self, msisdn: str, now: datetime | None = None) -> LoanSummary:
        """Late fees and days late as of `now` (None: as last charged)."""
        ...

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

    # Repaying as money comes in (order of application: gateway/banking/repay_records.py).
    def repay(self, msisdn: str, loan_id: int | None, amount: int, idempotency_key: str, now: datetime) -> RepayResult:
        """Any amount from the product's minimum (BelowMinimum under it, unless it pays all that is owed);
        more than is owed takes only what is owed."""
        ...

    def payoff_quote(self, msisdn: str, loan_id: int | None, now: datetime) -> PayoffQuote | None: ...

    def pay_off(
        self, msisdn: str, loan_id: int | None, amount: int, idempotency_key: str, now: datetime
    ) -> RepayResult:
        """Close the loan for `amount`, the quote shown; PayoffChanged when today's quote differs."""
        ...

    def borrower_time_zones(self) -> list[str]: ...  # for reminders, as `due_instalments` (DueInstalments)

    def due_instalments(self, query: DueQuery, page_size: int) -> Iterator[list[BorrowerInstalment]]: ...

    def instalment_states(self, instalment_ids: Sequence[int]) -> dict[int, InstalmentState]: ...  # unknown: absent

    def open_complaint(self, request: ComplaintRequest) -> OpenedComplaint: ...  # gateway/complaints/records.py
