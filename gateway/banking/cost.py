"""The yearly cost of a loan from its actual cash flows, fees included (suku bunga efektif per tahun).

Cash flows: on the disbursement day the borrower receives the principal and pays the bea meterai when
she signs (`Quote.stamp_duty`, 0 up to Rp5.000.000), so she holds principal - meterai. Provisi and
administrasi are not deducted there: they are spread over the instalments (`LoanProduct.fee_total`,
gateway/banking/schedule.py), so they enter the cost through the instalments. Then she pays each
instalment on its due date (after any grace period, on the business day the schedule rolled it to).

Rate: the yearly rate R, compounded monthly, at which the flows are worth nothing today:
    sum(flow_i / (1 + R/12) ** months_i) = 0,  months_i = 12 * days_i / 365,
days_i counted from the disbursement day. This is how Indonesian banks state "suku bunga efektif per
tahun" (the monthly internal rate of return times 12), so a declining-balance product without fees
shows its own rate (18 % a year stays 18,0 %) and can be set beside a flat one honestly: flat 1,25 %
a month with the dairy fees is 29,9 % a year. `compounded_yearly` gives the rate compounded over the
year ((1 + R/12)^12 - 1: 34,3 % for the dairy example), for a reader who wants that figure.

Solver: bisection. A loan's flows are one payment out then only payments in, so their present value
falls strictly as R rises and has exactly one root; bisection on a wide bracket always finds it
(to far below the 0,1 % shown). A library (scipy's brentq, pyxirr) would add a dependency for the
same answer; numpy-financial has no dated IRR.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from gateway.banking.interface import Instalment, LoanProduct, Quote

DAYS_PER_YEAR = 365
MONTHS_PER_YEAR = 12
LOW, HIGH = -0.99, 100.0
"""The bracket, as yearly fractions: -99 % to 10 000 % a year."""
TOLERANCE = 1e-10
MAX_STEPS = 200
SHOWN = Decimal("0.1")
"""Percent to one decimal, as the disclosure shows it."""

CashFlow = tuple[date, int]
"""A day and rupiah: negative paid to the borrower, positive paid by her."""


def loan_flows(
    principal: int, disbursed: date, instalments: Sequence[Instalment], paid_at_signing: int = 0
) -> list[CashFlow]:
    return [(disbursed, paid_at_signing - principal), *((row.due_date, row.amount) for row in instalments)]


def _present_value(flows: Sequence[CashFlow], yearly: float) -> float:
    start = flows[0][0]
    base = 1 + yearly / MONTHS_PER_YEAR
    return sum(amount / base ** (MONTHS_PER_YEAR * (day - start).days / DAYS_PER_YEAR) for day, amount in flows)


def yearly_rate_fraction(flows: Sequence[CashFlow]) -> float | None:
    """R as a fraction (0.2987), or None when the flows have no single root in the bracket (nothing
    lent, nothing repaid, or repayments outside -99 % .. 10 000 % a year)."""
    if not flows or flows[0][1] >= 0 or any(amount < 0 for _day, amount in flows[1:]):
        return None
    low, high = LOW, HIGH
    if _present_value(flows, low) < 0 or _present_value(flows, high) > 0:
        return None
    for _step in range(MAX_STEPS):
        middle = (low + high) / 2
        if _present_value(flows, middle) > 0:
            low = middle
        else:
            high = middle
        if high - low < TOLERANCE:
            break
    return (low + high) / 2


def yearly_rate(flows: Sequence[CashFlow]) -> Decimal | None:
    """The yearly cost in percent, to one decimal (29.9), or None as `yearly_rate_fraction`."""
    found = yearly_rate_fraction(flows)
    if found is None:
        return None
    return (Decimal(repr(found)) * 100).quantize(SHOWN, ROUND_HALF_UP)


def compounded_yearly(flows: Sequence[CashFlow]) -> Decimal | None:
    """(1 + R/12)^12 - 1 in percent, to one decimal (34.3 for the dairy example)."""
    found = yearly_rate_fraction(flows)
    if found is None:
        return None
    compounded = (1 + found / MONTHS_PER_YEAR) ** MONTHS_PER_YEAR - 1
    return (Decimal(repr(compounded)) * 100).quantize(SHOWN, ROUND_HALF_UP)


def disclosed(quote: Quote, product: LoanProduct, disbursed: date) -> Quote:
    """The quote with its fees by name and its yearly cost, for money paid out on `disbursed`."""
    principal, stamp_duty = quote.principal, product.stamp_duty(quote.principal)
    return replace(
        quote,
        fee_provisi=product.provisi(principal),
        fee_admin=product.fee_admin,
        stamp_duty=stamp_duty,
        yearly_rate=yearly_rate(loan_flows(principal, disbursed, quote.instalments, stamp_duty)),
    )
