"""Late fees (denda) on overdue instalments: pure arithmetic, whole rupiah.

Rule (`LateFeeRule`): `percent_per_day` of the overdue amount for each day late after `grace_days`,
never more in total than `cap_percent` of the instalment.

Rounding: the fee for ONE day is rounded DOWN to the whole rupiah (floor(amount x percent / 100)) and
then multiplied by the days charged; the cap is rounded down too. So Rp292.083 overdue 10 days with
3 days' grace at 0.1 % a day is 7 x Rp292 = Rp2.044, and the borrower never pays a fraction of a rupiah
more than the rule says.

Accrual with part-payments: the fee accrues day by day on what is unpaid that day. The ledger keeps,
per instalment, the fee `charged` up to a day (`through`) and adds the days since at the rate on what
is unpaid now (`accrued`); each payment first brings `charged` up to its day, so a later part-payment
lowers the fee only from then on. The cap applies to the instalment's scheduled amount.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_FLOOR, Decimal

from gateway.banking.interface import LateFeeRule


def _floor_percent(amount: int, percent: Decimal) -> int:
    return int((Decimal(amount) * percent / 100).to_integral_value(ROUND_FLOOR))


def daily_fee(rule: LateFeeRule, overdue_amount: int) -> int:
    return _floor_percent(max(0, overdue_amount), rule.percent_per_day)


def fee_cap(rule: LateFeeRule, instalment_amount: int) -> int:
    return _floor_percent(max(0, instalment_amount), rule.cap_percent)


def late_fee(rule: LateFeeRule | None, overdue_amount: int, days_late: int) -> int:
    """The fee on `overdue_amount` unpaid for `days_late` days after its due date (cap: of that amount)."""
    if rule is None or overdue_amount <= 0:
        return 0
    days = max(0, days_late - rule.grace_days)
    return min(daily_fee(rule, overdue_amount) * days, fee_cap(rule, overdue_amount))


def days_late(due_date: date, day: date) -> int:
    """Days after the due date (0 on or before it)."""
    return max(0, (day - due_date).days)


def chargeable_days(rule: LateFeeRule, due_date: date, day: date) -> int:
    return max(0, days_late(due_date, day) - rule.grace_days)


def accrued(
    rule: LateFeeRule | None,
    instalment_amount: int,
    unpaid: int,
    due_date: date,
    charged: int,
    through: date | None,
    day: date,
) -> int:
    """The whole late fee of an instalment up to `day`: `charged` up to `through` (None: nothing charged
    yet), plus the days since on `unpaid`, capped at the instalment's cap (never below `charged`)."""
    if rule is None:
        return charged
    since = chargeable_days(rule, due_date, through) if through is not None else 0
    extra = daily_fee(rule, unpaid) * max(0, chargeable_days(rule, due_date, day) - since)
    return max(charged, min(charged + extra, fee_cap(rule, instalment_amount)))


__all__ = ["accrued", "chargeable_days", "daily_fee", "days_late", "fee_cap", "late_fee"]
