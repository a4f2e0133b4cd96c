"""Late fee vectors worked by hand (rule: floor of one day's fee, times the days after grace, capped)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gateway.banking.interface import LateFeeRule
from gateway.banking.late_fees import accrued, days_late, late_fee

DAIRY = LateFeeRule(percent_per_day=Decimal("0.1"), grace_days=3, cap_percent=Decimal(10))
SEAWEED = LateFeeRule(percent_per_day=Decimal("0.1"), grace_days=7, cap_percent=Decimal(10))


@pytest.mark.parametrize(
    ("rule", "overdue", "days", "fee", "worked"),
    [
        (DAIRY, 292_083, 10, 2_044, "0.1% of 292.083 = 292.083 -> Rp292 a day; 10 - 3 grace = 7 days; 7 x 292"),
        (DAIRY, 292_083, 3, 0, "still within the 3 days' grace"),
        (DAIRY, 292_083, 4, 292, "the first day after grace"),
        (DAIRY, 292_083, 0, 0, "not late"),
        (DAIRY, 292_083, 200, 29_208, "197 x 292 = 57.524 > cap 10% of 292.083 = 29.208,3 -> 29.208"),
        (DAIRY, 582_083, 13, 5_820, "0.1% of 582.083 -> 582 a day; 10 days; 5.820 (cap 58.208)"),
        (SEAWEED, 71_250, 12, 355, "seaweed instalment 67.500 + 3.750; 71,25 -> 71 a day; 12 - 7 = 5 days"),
        (DAIRY, 500, 30, 0, "0.1% of Rp500 is Rp0,5 -> Rp0 a day"),
        (None, 292_083, 30, 0, "a product without a late fee"),
        (DAIRY, 0, 30, 0, "nothing overdue"),
    ],
)
def test_late_fee_vectors(rule: LateFeeRule | None, overdue: int, days: int, fee: int, worked: str) -> None:
    assert late_fee(rule, overdue, days) == fee, worked


def test_days_late_counts_calendar_days_after_the_due_date() -> None:
    assert days_late(date(2026, 11, 2), date(2026, 11, 7)) == 5  # "terlambat 5 hari"
    assert days_late(date(2026, 11, 2), date(2026, 11, 2)) == 0
    assert days_late(date(2026, 11, 2), date(2026, 10, 30)) == 0


DUE = date(2026, 11, 2)


def test_accrual_matches_the_one_shot_fee_without_payments() -> None:
    assert accrued(DAIRY, 292_083, 292_083, DUE, 0, None, date(2026, 11, 12)) == 2_044


def test_a_part_payment_lowers_the_fee_only_from_its_day() -> None:
    # 12 Nov (10 days late): 2.044 charged, then Rp200.000 paid: 2.044 to the fee, 197.956 to the
    # instalment, 94.127 left unpaid. 22 Nov (20 days late, 17 after grace): 10 more days on 94.127,
    # Rp94 a day = 940; total 2.044 + 940 = 2.984.
    assert accrued(DAIRY, 292_083, 94_127, DUE, 2_044, date(2026, 11, 12), date(2026, 11, 22)) == 2_984


def test_charging_again_on_the_same_day_adds_nothing_and_the_cap_holds() -> None:
    assert accrued(DAIRY, 292_083, 94_127, DUE, 2_044, date(2026, 11, 12), date(2026, 11, 12)) == 2_044
    assert accrued(DAIRY, 292_083, 292_083, DUE, 29_000, date(2026, 12, 30), date(2027, 6, 1)) == 29_208
    assert accrued(None, 292_083, 292_083, DUE, 1_000, date(2026, 11, 12), date(2027, 6, 1)) == 1_000
