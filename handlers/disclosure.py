"""What a borrower is told before she commits, as values for USSD screens and SMS (texts in locales/*.loans.yaml).

`terms(call, product, plan)` gives: product_name, principal, tenor, interest, fees, total, rate_text
(method and rate: "flat 1,25% per bulan"), yearly_rate (the yearly cost with fees, gateway/banking/cost.py),
fees_text (by name: provisi, administrasi, meterai when due), late_text (denda and its grace days),
every_text (how often instalments fall), plan_text ("5 x Rp47.500, lalu Rp2.047.500 pada panen terakhir"),
instalments (count), instalment_amount, last_amount, first_due, last_due.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from gateway.banking.interface import LoanProduct, PatternKind, PrincipalRule, Quote
from gateway.money import Money
from handlers._common import BankCall


def percent(call: BankCall, value: Decimal | None) -> str:
    """`29,9%` (the language's decimal mark); texts, not Decimals, go into the session."""
    return "" if value is None else call.services.text("loans.percent", {"value": value})


def rate_text(call: BankCall, product: LoanProduct) -> str:
    return call.services.text(f"loans.rate.{product.interest_kind.value}", {"rate": product.rate_percent.normalize()})


def fees_text(call: BankCall, plan: Quote) -> str:
    named = (("provisi", plan.fee_provisi), ("administrasi", plan.fee_admin), ("meterai", plan.stamp_duty))
    parts = [call.services.text(f"loans.fee.{name}", {"amount": Money(amount)}) for name, amount in named if amount]
    return ", ".join(parts) if parts else call.services.text("loans.fee.none", {})


def late_text(call: BankCall, product: LoanProduct) -> str:
    rule = product.late_fee
    if rule is None or not rule.percent_per_day:
        return call.services.text("loans.late.none", {})
    values = {"percent": rule.percent_per_day.normalize(), "grace_days": rule.grace_days}
    return call.services.text("loans.late.rule", {**values, "cap": rule.cap_percent.normalize()})


def every_text(call: BankCall, product: LoanProduct) -> str:
    if product.pattern.kind is PatternKind.MONTHLY:
        return call.services.text("loans.every.month", {})
    return call.services.text("loans.every.harvest", {"days": product.pattern.every_days})


def plan_text(call: BankCall, product: LoanProduct, plan: Quote) -> str:
    """Level instalments, or the level ones then a different last one (a balloon said so plainly)."""
    rows = plan.instalments
    first, last = rows[0].amount, rows[-1].amount
    if len(rows) == 1:
        return call.services.text("loans.plan.single", {"last": Money(last)})
    if any(row.amount != first for row in rows[:-1]):
        return call.services.text("loans.plan.varied", {"count": len(rows), "first": Money(first), "last": Money(last)})
    if first == last:
        return call.services.text("loans.plan.level", {"count": len(rows), "amount": Money(first)})
    key = "loans.plan.then_last"
    if product.pattern.principal is PrincipalRule.BALLOON:
        harvest = product.pattern.kind is PatternKind.HARVEST
        key = "loans.plan.balloon_harvest" if harvest else "loans.plan.balloon"
    return call.services.text(key, {"count": len(rows) - 1, "amount": Money(first), "last": Money(last)})


def terms(call: BankCall, product: LoanProduct, plan: Quote) -> dict[str, Any]:
    first, last = plan.instalments[0], plan.instalments[-1]
    return {
        "product_name": product.name(call.lang),
        "principal": Money(plan.principal),
        "tenor": plan.tenor,
        "interest": Money(plan.interest),
        "fees": Money(plan.fees),
        "total": Money(plan.total),
        "rate_text": rate_text(call, product),
        "yearly_rate": percent(call, plan.yearly_rate),
        "fees_text": fees_text(call, plan),
        "late_text": late_text(call, product),
        "every_text": every_text(call, product),
        "plan_text": plan_text(call, product, plan),
        "instalments": len(plan.instalments),
        "instalment_amount": Money(first.amount),
        "last_amount": Money(last.amount),
        "first_due": first.due_date,
        "last_due": last.due_date,
    }
