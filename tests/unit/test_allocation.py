"""Where a payment goes and what closes a loan early, worked by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from gateway.banking.allocation import allocate, payoff_quote, unpaid_parts
from gateway.banking.interface import Allocation, EarlyPayoff, Instalment

DAIRY_2 = Instalment(2, date(2025, 12, 8), principal=500_000, interest=75_000, fee=7_083, amount=582_083)


def test_a_part_payment_goes_to_interest_then_fees_then_principal() -> None:
    # 100.000: interest 75.000, fees 7.083, principal 100.000 - 82.083 = 17.917.
    assert allocate(100_000, [DAIRY_2]) == (Allocation(2, 0, 75_000, 7_083, 17_917),)


def test_what_was_paid_before_is_taken_in_the_same_order() -> None:
    paid = replace(DAIRY_2, paid_amount=80_000)  # 75.000 interest, 5.000 of the 7.083 fees
    assert unpaid_parts(paid) == (0, 2_083, 500_000)
    assert allocate(10_000, [paid]) == (Allocation(2, 0, 0, 2_083, 7_917),)


def test_the_late_fee_first_and_the_oldest_instalment_first() -> None:
    # Seaweed: instalment 1 (67.500 interest + 3.750 fees) overdue with a late fee of 497.
    first = Instalment(1, date(2025, 12, 1), 0, 67_500, 3_750, 71_250, late_fee=497, days_late=14)
    second = Instalment(2, date(2026, 1, 14), 0, 67_500, 3_750, 71_250)
    # 80.000: 497 late fee, 67.500 interest, 3.750 fees (71.747 in all), then 8.253 of the next interest.
    assert allocate(80_000, [second, first]) == (
        Allocation(1, 497, 67_500, 3_750, 0),
        Allocation(2, 0, 8_253, 0, 0),
    )


def _loan() -> list[Instalment]:
    dues = (date(2026, 2, 2), date(2026, 3, 2), date(2026, 4, 2))
    rows = [Instalment(n, due, 100_000, 3_000, 500, 103_500) for n, due in enumerate(dues, start=1)]
    return [replace(rows[0], paid_amount=103_500), *rows[1:]]


def test_payoff_interest_to_date() -> None:
    # Paid out 2 Jan 2026, instalment 1 paid. On 12 Feb the period 2 Feb -> 2 Mar (28 days) has run 10
    # days: 3.000 x 10 / 28 = 1.071 (rounded down). Principal 2 x 100.000. No fees of later periods.
    quote = payoff_quote(1, EarlyPayoff.INTEREST_TO_DATE, _loan(), date(2026, 1, 2), date(2026, 2, 12))
    assert (quote.principal, quote.interest, quote.fees, quote.late_fees) == (200_000, 1_071, 0, 0)
    assert quote.amount == 201_071
    assert quote.waived == (3_000 - 1_071) + 500 + 3_000 + 500  # 5.929
    assert quote.allocations == (Allocation(2, 0, 1_071, 0, 100_000, 2_429), Allocation(3, 0, 0, 0, 100_000, 3_500))


def test_payoff_all_interest_is_everything_still_scheduled() -> None:
    quote = payoff_quote(1, EarlyPayoff.ALL_INTEREST, _loan(), date(2026, 1, 2), date(2026, 2, 12))
    assert (quote.amount, quote.waived) == (2 * 103_500, 0)


def test_payoff_charges_an_overdue_instalment_in_full_with_its_late_fee() -> None:
    late = _loan()
    late[1] = replace(late[1], late_fee=300, days_late=13)
    # 15 Mar: instalment 2 (due 2 Mar) in full + 300; period 2 Mar -> 2 Apr (31 days), 13 days: 1.258.
    quote = payoff_quote(1, EarlyPayoff.INTEREST_TO_DATE, late, date(2026, 1, 2), date(2026, 3, 15))
    assert (quote.principal, quote.interest, quote.fees, quote.late_fees) == (200_000, 3_000 + 1_258, 500, 300)
    assert quote.amount == 205_058
