"""Exact instalment schedules from a product, an amount, a tenor (months) and a start date.

Rounding rule: each component of each instalment (principal, interest, fee) is rounded DOWN to the
whole rupiah, and the LAST instalment absorbs what remains of each component. So the instalments add
up to exactly principal + interest + fees, and no instalment or component is negative.

- Count: `monthly` has one instalment per month of tenor; `harvest` has one every `every_days` days,
  `max(1, tenor * 30 // every_days)` of them.
- Due dates: the first period starts `grace_days` after the start (the disbursement day); `monthly` on
  that day of month, k months later (clamped to the month's last day); `harvest` k * every_days after
  it. Each date then rolls to the next business day (gateway/banking/calendar.py: no Sunday, national
  holiday or cuti bersama); the next date is still counted from the nominal one, not the rolled one.
  Rolling moves a date, never an amount: interest stays per period as below.
- Interest `flat_monthly`: total = floor(principal * rate% * tenor), spread evenly.
  Interest `declining_annual`: per-period rate r = rate% / 12 (monthly) or rate% * every_days / 365
  (harvest); each period's interest is floor(outstanding principal * r). With principal `spread` the
  instalments form an annuity (principal part = floor(A) - interest, A = P r / (1 - (1 + r)^-n));
  with `balloon` only interest is paid until the last instalment, which carries all the principal.
- Fees: `LoanProduct.fee_total` (administrasi + floor(principal * provisi%)), spread evenly. Bea meterai is
  paid at signing, not in the schedule (gateway/banking/cost.py counts it on the disbursement day).
- Principal `spread`: floor(P / n) each; `balloon`: all with the last instalment.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from fractions import Fraction

from gateway.banking.calendar import BusinessCalendar, default_calendar
from gateway.banking.interface import (
    Instalment,
    InterestKind,
    LoanProduct,
    PatternKind,
    PrincipalRule,
    Quote,
)

DAYS_PER_MONTH = 30
DAYS_PER_YEAR = 365
MONTHS_PER_YEAR = 12


def add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // MONTHS_PER_YEAR, index % MONTHS_PER_YEAR + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def instalment_count(product: LoanProduct, tenor: int) -> int:
    if product.pattern.kind is PatternKind.MONTHLY:
        return tenor
    return max(1, tenor * DAYS_PER_MONTH // product.pattern.every_days)


def nominal_due_dates(product: LoanProduct, tenor: int, start: date) -> list[date]:
    """The due dates before rolling: the first period starts `grace_days` after `start`."""
    count = instalment_count(product, tenor)
    first_period = start + timedelta(days=product.grace_days)
    if product.pattern.kind is PatternKind.MONTHLY:
        return [add_months(first_period, k) for k in range(1, count + 1)]
    return [first_period + timedelta(days=k * product.pattern.every_days) for k in range(1, count + 1)]


def due_dates(product: LoanProduct, tenor: int, start: date, calendar: BusinessCalendar | None = None) -> list[date]:
    """Each nominal date rolled to the next business day; a date that a long run of days off rolled onto
    the one before it moves to the next business day after that, so due dates stay strictly increasing."""
    business = calendar or default_calendar()
    rolled: list[date] = []
    for nominal in nominal_due_dates(product, tenor, start):
        day = business.next_business_day(nominal)
        if rolled and day <= rolled[-1]:
            day = business.next_business_day(rolled[-1] + timedelta(days=1))
        rolled.append(day)
    return rolled


def even_split(total: int, count: int) -> list[int]:
    """floor(total / count) each, the last one takes the remainder."""
    share = total // count
    return [share] * (count - 1) + [total - share * (count - 1)]


def _period_rate(product: LoanProduct) -> Fraction:
    annual = Fraction(product.rate_percent) / 100
    if product.pattern.kind is PatternKind.MONTHLY:
        return annual / MONTHS_PER_YEAR
    return annual * product.pattern.every_days / DAYS_PER_YEAR


def _flat(product: LoanProduct, principal: int, tenor: int, count: int) -> tuple[list[int], list[int]]:
    interest_total = int(principal * Fraction(product.rate_percent) / 100 * tenor)
    if product.pattern.principal is PrincipalRule.BALLOON:
        principals = [0] * (count - 1) + [principal]
    else:
        principals = even_split(principal, count)
    return principals, even_split(interest_total, count)


def _effective(product: LoanProduct, principal: int, count: int) -> tuple[list[int], list[int]]:
    rate = _period_rate(product)
    balloon = product.pattern.principal is PrincipalRule.BALLOON
    if balloon:
        payment = Fraction(0)
    elif rate == 0:
        payment = Fraction(principal, count)
    else:
        payment = principal * rate / (1 - (1 + rate) ** -count)
    principals: list[int] = []
    interests: list[int] = []
    balance = principal
    for number in range(1, count + 1):
        interest = int(balance * rate)
        if number == count:
            part = balance
        elif balloon:
            part = 0
        else:
            part = min(balance, max(0, int(payment) - interest))
        principals.append(part)
        interests.append(interest)
        balance -= part
    return principals, interests


def build_schedule(
    product: LoanProduct, principal: int, tenor: int, start: date, calendar: BusinessCalendar | None = None
) -> tuple[Instalment, ...]:
    if principal < 0 or tenor < 1:
        raise ValueError("principal must be >= 0 and tenor >= 1")
    count = instalment_count(product, tenor)
    if product.interest_kind is InterestKind.FLAT_MONTHLY:
        principals, interests = _flat(product, principal, tenor, count)
    else:
        principals, interests = _effective(product, principal, count)
    fees = even_split(product.fee_total(principal), count)
    return tuple(
        Instalment(number=n, due_date=due, principal=p, interest=i, fee=f, amount=p + i + f)
        for n, (due, p, i, f) in enumerate(
            zip(due_dates(product, tenor, start, calendar), principals, interests, fees, strict=True), start=1
        )
    )


def quote(
    product: LoanProduct, principal: int, tenor: int, start: date, calendar: BusinessCalendar | None = None
) -> Quote:
    return Quote(product.code, principal, tenor, build_schedule(product, principal, tenor, start, calendar))
