"""Due dates with a grace period and business-day rolling, worked by hand on a 2026 calendar."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from gateway.banking.calendar import BusinessCalendar
from gateway.banking.interface import InterestKind, LoanProduct, PatternKind, RepaymentPattern
from gateway.banking.schedule import build_schedule, due_dates, nominal_due_dates

CALENDAR = BusinessCalendar(
    frozenset({date(2026, 3, d) for d in (18, 20, 23, 24)} | {date(2026, 12, 24)})  # cuti bersama 2026
)


def product(pattern: RepaymentPattern, grace_days: int = 0) -> LoanProduct:
    return LoanProduct(
        code="p",
        names={"id": "P"},
        min_amount=1,
        max_amount=10**9,
        tenors=(12,),
        interest_kind=InterestKind.FLAT_MONTHLY,
        rate_percent=Decimal("1.25"),
        pattern=pattern,
        grace_days=grace_days,
    )


MONTHLY = RepaymentPattern(PatternKind.MONTHLY)


def test_monthly_dates_count_from_disbursement_and_skip_sunday() -> None:
    # Paid out Tuesday 29 Sep 2026: 29 Oct (Thu), 29 Nov is a Sunday -> Monday 30 Nov, 29 Dec (Tue).
    dates = due_dates(product(MONTHLY), 3, date(2026, 9, 29), CALENDAR)
    assert dates == [date(2026, 10, 29), date(2026, 11, 30), date(2026, 12, 29)]


def test_the_next_date_counts_from_the_nominal_one_not_the_rolled_one() -> None:
    # 30 Nov is nominal for the second month too: 30 Jan 2027 (Sat) stays, not 30 -> 31 shifts.
    dates = due_dates(product(MONTHLY), 4, date(2026, 10, 30), CALENDAR)
    assert dates == [date(2026, 11, 30), date(2026, 12, 30), date(2027, 1, 30), date(2027, 3, 1)]
    # 28 Feb 2027 is a Sunday: the clamped end of February rolls to Monday 1 March.


def test_grace_period_before_the_first_harvest() -> None:
    # Patchouli: paid out Monday 5 Jan 2026, 180 days' grace -> the first period starts Saturday 4 Jul
    # (26 days left in January, then 28 + 31 + 30 + 31 + 30 = 150, 4 more in July). A harvest every
    # 120 days: 4 Jul + 120 = 1 Nov 2026, a Sunday -> Monday 2 Nov; then 1 Mar 2027 (Mon).
    harvest = product(RepaymentPattern(PatternKind.HARVEST, every_days=120), grace_days=180)
    assert nominal_due_dates(harvest, 8, date(2026, 1, 5)) == [date(2026, 11, 1), date(2027, 3, 1)]
    assert due_dates(harvest, 8, date(2026, 1, 5), CALENDAR) == [date(2026, 11, 2), date(2027, 3, 1)]


def test_cuti_bersama_and_christmas() -> None:
    # Monthly from 24 Nov 2026: 24 Dec is cuti bersama, 25 Dec Christmas -> Saturday 26 Dec.
    dates = due_dates(product(MONTHLY), 2, date(2026, 11, 24), CALENDAR)
    assert dates == [date(2026, 12, 26), date(2027, 1, 25)]  # 24 Jan 2027 is a Sunday


def test_a_long_run_of_days_off_never_puts_two_instalments_on_one_day() -> None:
    # Lebaran 2026: 18 (cuti), 19 (Nyepi), 20 (cuti), 21-22 (Idul Fitri), 23-24 (cuti) March are all off.
    # Weekly from Wednesday 4 Mar: 11 Mar, 18 Mar -> 25 Mar, and 25 Mar itself moves to 26 Mar.
    weekly = product(RepaymentPattern(PatternKind.HARVEST, every_days=7))
    assert due_dates(weekly, 1, date(2026, 3, 4), CALENDAR) == [
        date(2026, 3, 11),
        date(2026, 3, 25),
        date(2026, 3, 26),
        date(2026, 4, 1),
    ]


def test_rolling_moves_dates_not_amounts() -> None:
    plain = build_schedule(product(MONTHLY), 3_000_000, 12, date(2026, 9, 29), BusinessCalendar())
    rolled = build_schedule(product(MONTHLY), 3_000_000, 12, date(2026, 9, 29), CALENDAR)
    assert [i.amount for i in plain] == [i.amount for i in rolled]
    assert plain[1].due_date == date(2026, 11, 30)  # a Sunday rolls even without an operator list
