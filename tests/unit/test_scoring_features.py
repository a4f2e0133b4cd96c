"""Features over stated windows: only what was known at the moment of scoring, consent gating records."""

from __future__ import annotations

from datetime import timedelta

from gateway.scoring.features import (
    Window,
    WindowUnit,
    average_balance,
    compute_features,
    delivery_months,
    delivery_regularity,
    deposit_months,
    late_instalments,
    monthly_income,
    on_time_share,
    sms_use,
)
from tests.scoring_support import AS_OF, chain_records, customer, instalments, monthly_deposits, savings

YEAR = Window(12)


def test_deposit_months_count_30_day_months_back_and_ignore_what_came_after() -> None:
    history = customer(1, savings=savings(monthly_deposits([0, 0, 2, 11, 12], 100_000)))
    assert deposit_months(history, YEAR, AS_OF) == 3  # months 0, 2, 11; month 12 is outside
    assert deposit_months(history, Window(3), AS_OF) == 2
    assert deposit_months(history, YEAR, AS_OF - timedelta(days=100)) == 2  # months 11 and 12, seen from then


def test_average_balance_weighs_each_balance_by_how_long_it_stood() -> None:
    history = customer(1, savings=savings([(200, 1_000_000, "deposit"), (90, 2_000_000, "deposit")]))
    # 180-day window: 1,000,000 for 90 days, then 3,000,000 for 90 days
    assert average_balance(history, Window(6), AS_OF) == 2_000_000
    assert average_balance(customer(2), Window(6), AS_OF) == 0


def test_repayment_history_counts_instalments_due_in_the_window() -> None:
    history = customer(1, instalments=instalments(6, late={1, 5}))
    assert on_time_share(history, YEAR, AS_OF) == round(4 / 6, 4)
    assert late_instalments(history, YEAR, AS_OF) == 2
    assert on_time_share(history, Window(2), AS_OF) == 0.5  # the last two: number 5 late, 6 on time
    assert on_time_share(customer(2), YEAR, AS_OF) is None


def test_an_instalment_unpaid_at_the_moment_of_scoring_counts_as_late_then() -> None:
    history = customer(1, instalments=instalments(1, late={1}))  # paid 9 days after its due date
    paid_at = history.instalments[0].paid_at
    assert paid_at is not None
    before_paying = paid_at - timedelta(days=1)
    assert history.instalments[0].due_date < before_paying.date()
    assert (late_instalments(history, YEAR, before_paying), on_time_share(history, YEAR, before_paying)) == (1, 0)
    on_time = customer(2, instalments=instalments(1, late=set()))
    assert (late_instalments(on_time, YEAR, AS_OF), on_time_share(on_time, YEAR, AS_OF)) == (0, 1)


def test_value_chain_features_over_their_window() -> None:
    history = customer(1, records=chain_records("seaweed_sale", 45, 6, 1_200_000))  # days 3, 48, ..., 228
    assert delivery_months(history, YEAR, AS_OF) == 6
    assert monthly_income(history, Window(6), AS_OF) == round(4 * 1_200_000 / 6)  # days 3..138 within 180
    assert sms_use(customer(2, sms_received=(AS_OF - timedelta(days=1),)), Window(90, WindowUnit.DAYS), AS_OF) == 1


def test_without_consent_records_and_channel_use_are_missing_and_flagged() -> None:
    history = customer(
        1,
        savings=savings(monthly_deposits([0], 100_000)),
        records=chain_records("milk_delivery", 15, 4, 500_000),
        sms_received=(AS_OF - timedelta(days=1),),
    )
    wanted = [
        ("deposits", "deposit_months", YEAR),
        ("milk", "delivery_months", YEAR),
        ("sms", "sms_use", Window(90, WindowUnit.DAYS)),
    ]
    with_consent = compute_features(history, wanted, AS_OF, consent=True)
    assert dict(with_consent.values) == {"deposits": 1, "milk": 2, "sms": 1}
    assert (with_consent.has_records, with_consent.flags) == (True, ())
    without = compute_features(history, wanted, AS_OF, consent=False)
    assert dict(without.values) == {"deposits": 1, "milk": None, "sms": None}
    assert (without.has_records, without.flags) == (False, ("no_records", "no_consent"))


def test_records_older_than_a_year_are_no_records() -> None:
    old = customer(1, records=chain_records("patchouli_sale", 400, 2, 4_000_000))  # days 3 and 403
    assert compute_features(old, [("m", "delivery_months", YEAR)], AS_OF, True).has_records
    stale = customer(2, records=old.records[:1])
    features = compute_features(stale, [("m", "delivery_months", YEAR)], AS_OF, True)
    assert (features.has_records, features.values["m"]) == (False, None)


def test_delivery_regularity_counts_selling_cycles_of_the_value_chain() -> None:
    every_harvest = customer(1, records=chain_records("patchouli_sale", 90, 4, 4_000_000))  # days 3, 93, 183, 273
    every_month = customer(2, records=chain_records("milk_delivery", 30, 12, 1_000_000))
    half_the_months = customer(3, records=chain_records("milk_delivery", 60, 6, 1_000_000))
    assert delivery_regularity(every_harvest, YEAR, AS_OF) == 1.0
    assert delivery_months(every_harvest, YEAR, AS_OF) == 4  # the older feature: a season's sale looks irregular
    assert delivery_regularity(every_month, YEAR, AS_OF) == 1.0
    assert delivery_regularity(half_the_months, YEAR, AS_OF) == 0.5
    assert delivery_regularity(customer(4), YEAR, AS_OF) is None
