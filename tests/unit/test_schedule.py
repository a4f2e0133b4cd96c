from __future__ import annotations

from datetime import date
from decimal import Decimal
from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from gateway.banking.interface import InterestKind, LoanProduct, PatternKind, PrincipalRule, RepaymentPattern
from gateway.banking.schedule import add_months, build_schedule, instalment_count, quote


def product(
    kind: InterestKind, pattern: RepaymentPattern, rate: str = "1.5", fee_flat: int = 0, fee_percent: str = "0"
) -> LoanProduct:
    return LoanProduct(
        "p", {"id": "P", "en": "P"}, 1, 10**9, (1,), kind, Decimal(rate), pattern, fee_flat, Decimal(fee_percent)
    )


patterns = st.one_of(
    st.just(RepaymentPattern(PatternKind.MONTHLY)),
    st.builds(RepaymentPattern, st.just(PatternKind.HARVEST), st.integers(7, 366), st.sampled_from(PrincipalRule)),
    st.just(RepaymentPattern(PatternKind.MONTHLY, principal=PrincipalRule.BALLOON)),
)
products = st.builds(
    product,
    st.sampled_from(InterestKind),
    patterns,
    st.decimals(0, 60, places=2).map(str),
    st.integers(0, 100_000),
    st.decimals(0, 5, places=2).map(str),
)


@given(products, st.integers(0, 500_000_000), st.integers(1, 60), st.dates(date(2000, 1, 1), date(2090, 1, 1)))
def test_instalments_add_up_exactly_and_none_is_negative(
    prod: LoanProduct, amount: int, tenor: int, start: date
) -> None:
    plan = quote(prod, amount, tenor, start)
    rows = plan.instalments
    assert len(rows) == instalment_count(prod, tenor) >= 1
    assert sum(r.principal for r in rows) == amount
    assert plan.total == amount + plan.interest + plan.fees
    assert all(r.principal >= 0 and r.interest >= 0 and r.fee >= 0 for r in rows)
    assert all(r.amount == r.principal + r.interest + r.fee for r in rows)
    assert [r.number for r in rows] == list(range(1, len(rows) + 1))
    assert all(a.due_date < b.due_date for a, b in pairwise(rows))
    assert rows[0].due_date > start


@given(st.integers(1, 500_000_000), st.integers(2, 60))
def test_flat_last_instalment_absorbs_rounding(amount: int, tenor: int) -> None:
    prod = product(InterestKind.FLAT_MONTHLY, RepaymentPattern(PatternKind.MONTHLY), "1.25", 25_000, "1")
    rows = build_schedule(prod, amount, tenor, date(2025, 1, 31))
    first = rows[0].amount
    assert all(r.amount == first for r in rows[:-1])
    assert rows[-1].amount >= first
    assert rows[-1].amount - first < 3 * tenor


def test_flat_monthly_example() -> None:
    prod = product(InterestKind.FLAT_MONTHLY, RepaymentPattern(PatternKind.MONTHLY), "1.25", 25_000, "1")
    plan = quote(prod, 2_000_000, 6, date(2025, 1, 31))
    assert (plan.interest, plan.fees, plan.total) == (150_000, 45_000, 2_195_000)
    assert [r.amount for r in plan.instalments] == [365_833] * 5 + [365_835]
    # 31 Mar and 1 Apr 2025 were Idul Fitri: the second instalment rolls to Wednesday 2 April.
    assert [r.due_date for r in plan.instalments][:3] == [date(2025, 2, 28), date(2025, 4, 2), date(2025, 4, 30)]


def test_harvest_balloon_pays_interest_then_principal() -> None:
    prod = product(
        InterestKind.FLAT_MONTHLY, RepaymentPattern(PatternKind.HARVEST, 45, PrincipalRule.BALLOON), "1.5", 15_000
    )
    rows = build_schedule(prod, 2_000_000, 6, date(2025, 1, 1))
    assert len(rows) == 4
    assert [r.principal for r in rows] == [0, 0, 0, 2_000_000]
    assert [r.due_date for r in rows][:2] == [date(2025, 2, 15), date(2025, 4, 2)]  # 1 Apr 2025: Idul Fitri


def test_declining_annual_annuity_is_level() -> None:
    prod = product(InterestKind.DECLINING_ANNUAL, RepaymentPattern(PatternKind.MONTHLY), "12")
    rows = build_schedule(prod, 12_000_000, 12, date(2025, 1, 15))
    assert rows[0].interest == 120_000
    assert len({r.amount for r in rows[:-1]}) == 1
    assert abs(rows[-1].amount - rows[0].amount) < 12
    assert rows[0].amount == 1_066_185


def test_long_harvest_cycle_for_patchouli() -> None:
    prod = product(InterestKind.DECLINING_ANNUAL, RepaymentPattern(PatternKind.HARVEST, 120))
    rows = build_schedule(prod, 5_000_000, 12, date(2025, 3, 1))
    assert len(rows) == 3
    assert rows[-1].due_date == date(2026, 2, 24)


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2024, 11, 30), 3) == date(2025, 2, 28)
    assert add_months(date(2024, 3, 31), -1) == date(2024, 2, 29)
