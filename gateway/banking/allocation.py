"""Where a payment goes, and what closes a loan early: pure arithmetic on instalment records.

Order (stated once, in `repay_records.py`): oldest unpaid instalment first; within it the late fee,
then interest, then fees, then principal. An instalment's `paid_amount` was applied in that same
order (interest, fees, principal), so what is unpaid of each part follows from it.

Early payoff (`EarlyPayoff`):
- `all_interest`: everything still scheduled, plus late fees.
- `interest_to_date`: every instalment already due in full (with its late fee); of the instalment
  whose period runs today, its principal and its interest pro rata by days elapsed (rounded down);
  of later ones, the principal. Their other interest and fees are waived. A period runs from the
  previous due date (the first from disbursement + grace days) to its own due date.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from gateway.banking.interface import Allocation, EarlyPayoff, Instalment, PayoffQuote


def unpaid_parts(instalment: Instalment) -> tuple[int, int, int]:
    """(interest, fee, principal) not yet paid nor waived, the paid amount taken in that order."""
    paid = instalment.paid_amount
    parts = []
    for component in (instalment.interest, instalment.fee, instalment.principal):
        settled = min(paid, component)
        paid -= settled
        parts.append(component - settled)
    if instalment.waived:  # only a closed instalment has a waiver: nothing of it is unpaid
        return 0, 0, 0
    return parts[0], parts[1], parts[2]


def allocate(amount: int, instalments: Sequence[Instalment]) -> tuple[Allocation, ...]:
    """`amount` over the unpaid instalments, oldest first (late fee, interest, fees, principal)."""
    allocations: list[Allocation] = []
    left = amount
    for instalment in sorted(instalments, key=lambda i: (i.due_date, i.number)):
        if left <= 0:
            break
        if instalment.to_pay <= 0:
            continue
        late = min(left, instalment.late_fee)
        left -= late
        parts = []
        for unpaid in unpaid_parts(instalment):
            take = min(left, unpaid)
            left -= take
            parts.append(take)
        allocations.append(Allocation(instalment.number, late, parts[0], parts[1], parts[2]))
    return tuple(allocations)


def owed(instalments: Sequence[Instalment]) -> int:
    return sum(i.to_pay for i in instalments)


def _accrued_interest(interest: int, period_start: date, due: date, day: date) -> int:
    length = (due - period_start).days
    if length <= 0:
        return interest
    elapsed = min(length, max(0, (day - period_start).days))
    return interest * elapsed // length


def payoff_quote(
    loan_id: int, rule: EarlyPayoff, instalments: Sequence[Instalment], first_period_start: date, day: date
) -> PayoffQuote:
    """What closes the loan on `day` (`instalments`: all of the loan's, paid ones too, for the periods)."""
    ordered = sorted(instalments, key=lambda i: i.number)
    allocations: list[Allocation] = []
    period_start, current_seen = first_period_start, False
    for instalment in ordered:
        start, period_start = period_start, instalment.due_date
        if instalment.to_pay <= 0:
            continue
        interest, fee, principal = unpaid_parts(instalment)
        if rule is EarlyPayoff.ALL_INTEREST or instalment.due_date <= day:
            allocations.append(Allocation(instalment.number, instalment.late_fee, interest, fee, principal))
            continue
        charged = 0
        if not current_seen:
            paid_interest = instalment.interest - interest
            charged = max(0, _accrued_interest(instalment.interest, start, instalment.due_date, day) - paid_interest)
            current_seen = True
        charged = min(charged, interest)
        waived = interest - charged + fee
        allocations.append(Allocation(instalment.number, instalment.late_fee, charged, 0, principal, waived))
    return PayoffQuote(
        loan_id=loan_id,
        rule=rule,
        as_of=day,
        principal=sum(a.principal for a in allocations),
        interest=sum(a.interest for a in allocations),
        fees=sum(a.fee for a in allocations),
        late_fees=sum(a.late_fee for a in allocations),
        waived=sum(a.waived for a in allocations),
        allocations=tuple(allocations),
    )


__all__ = ["allocate", "owed", "payoff_quote", "unpaid_parts"]
