"""The yearly cost (gateway/banking/cost.py) against figures worked by hand.

Convention: R is the yearly rate compounded monthly at which the flows are worth nothing,
sum(flow / (1 + R/12) ** (12 * days / 365)) = 0, shown to one decimal.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from gateway.banking.cost import compounded_yearly, disclosed, loan_flows, yearly_rate, yearly_rate_fraction
from gateway.banking.interface import Instalment, Quote
from gateway.banking.products import load_products
from gateway.banking.schedule import add_months

START = date(2025, 1, 10)


def flows_every(days: int, amounts: list[int], principal: int) -> list[tuple[date, int]]:
    return [(START, -principal), *((START + timedelta(days=days * k), a) for k, a in enumerate(amounts, start=1))]


def test_one_year_bullet() -> None:
    """Rp1.000.000 out, Rp1.120.000 back after 365 days: (1 + R/12)^12 = 1.12, so
    R = 12 * (1.12^(1/12) - 1) = 12 * (e^(0.113329/12) - 1) = 12 * 0.0094888 = 11.39 %;
    compounded over the year it is the plain 12.0 %."""
    flows = flows_every(365, [1_120_000], 1_000_000)
    assert yearly_rate(flows) == Decimal("11.4")
    assert compounded_yearly(flows) == Decimal("12.0")


def test_balloon_pays_its_coupon_rate_per_period() -> None:
    """Rp1.000.000, Rp30.000 every 73 days (365 / 5) and the principal with the fifth: the rate per
    period is exactly 30.000 / 1.000.000 = 3 %. A period is 12 * 73 / 365 = 2.4 months, so
    (1 + R/12)^2.4 = 1.03: R = 12 * (e^(0.0295588/2.4) - 1) = 12 * 0.0123923 = 14.87 %."""
    flows = flows_every(73, [30_000] * 4 + [1_030_000], 1_000_000)
    assert yearly_rate(flows) == Decimal("14.9")


def test_dairy_example_is_about_thirty_percent() -> None:
    """The issue's example: Rp3.000.000 over 12 months at 1.25 %/month flat, fees Rp55.000: 11 x Rp292.083
    and a last Rp292.087. As whole months: 3.000.000 / 292.083,33 = 10.2711 = (1 - (1+i)^-12) / i gives
    i = 2.4786 % a month, 12 i = 29.74 %. On calendar days (31-day January and so on, 365 days in all)
    the months are uneven and R = 29.87 %: shown 29.9 %; compounded (1 + R/12)^12 - 1 = 34.3 %."""
    flows = [(START, -3_000_000), *((add_months(START, k), 292_083) for k in range(1, 12))]
    flows.append((add_months(START, 12), 292_087))
    assert yearly_rate(flows) == Decimal("29.9")
    assert compounded_yearly(flows) == Decimal("34.3")
    fraction = yearly_rate_fraction(flows)
    assert fraction is not None and 0.2985 < fraction < 0.2990


def test_no_cost_is_zero() -> None:
    assert yearly_rate(flows_every(30, [500_000, 500_000], 1_000_000)) == Decimal("0.0")


@pytest.mark.parametrize(
    "flows",
    [
        [],
        [(START, 1_000)],  # nothing lent
        [(START, -1_000)],  # nothing repaid
        [(START, -1_000), (START + timedelta(days=30), -5)],  # a second payment out
        [(START, -1_000_000), (START + timedelta(days=1), 10**12)],  # beyond 10 000 % a year
    ],
)
def test_flows_without_one_root_have_no_rate(flows: list[tuple[date, int]]) -> None:
    assert yearly_rate(flows) is None


def test_disclosed_names_the_fees_and_adds_stamp_duty_only_above_the_threshold() -> None:
    dairy = next(p for p in load_products() if p.code == "dairy_cow")
    rows = tuple(
        Instalment(k, add_months(START, k), 250_000, 37_500, 4_583, 292_083 if k < 12 else 292_087)
        for k in range(1, 13)
    )
    small = disclosed(Quote("dairy_cow", 3_000_000, 12, rows), dairy, START)
    assert (small.fee_provisi, small.fee_admin, small.stamp_duty) == (30_000, 25_000, 0)
    assert small.yearly_rate == Decimal("29.9")
    assert dairy.fee_total(3_000_000) == 55_000
    assert dairy.fee_total(6_000_000) == 60_000 + 25_000  # bea meterai is paid at signing, not spread
    assert dairy.stamp_duty(5_000_000) == 0 and dairy.stamp_duty(5_000_001) == 10_000


def test_stamp_duty_paid_at_signing_raises_the_cost() -> None:
    """Rp6.000.000 for a year, Rp6.720.000 back after 365 days: 12 % a year compounded. With Rp10.000
    of meterai paid at signing she holds Rp5.990.000: (1 + c) = 6.720.000 / 5.990.000 = 1.121870,
    c = 12.19 % compounded; R = 12 * (1.121870^(1/12) - 1) = 12 * 0.0096327 = 11.56 %."""
    row = Instalment(1, START + timedelta(days=365), 6_000_000, 720_000, 0, 6_720_000)
    assert yearly_rate(loan_flows(6_000_000, START, [row])) == Decimal("11.4")
    flows = loan_flows(6_000_000, START, [row], paid_at_signing=10_000)
    assert yearly_rate(flows) == Decimal("11.6") and compounded_yearly(flows) == Decimal("12.2")


def test_loan_flows_pay_out_first_then_instalments() -> None:
    row = Instalment(1, add_months(START, 1), 1_000, 10, 0, 1_010)
    assert loan_flows(1_000, START, [row]) == [(START, -1_000), (add_months(START, 1), 1_010)]
