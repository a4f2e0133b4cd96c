"""Repaying from savings as money comes in: the next instalment, another amount, or the whole loan.

`loan_id` in the session picks a loan; none means the loan with the earliest unpaid instalment. Every
payment goes to the oldest instalment first: late fee (denda), then interest, then fees, then principal
(gateway/banking/repay_records.py); the screens say so.
"""

from __future__ import annotations

from typing import Any

from gateway.banking.interface import (
    BelowMinimum,
    DueInstalment,
    Instalment,
    InsufficientFunds,
    NothingDue,
    PayoffChanged,
    PayoffQuote,
    RepaymentKind,
    RepayResult,
)
from gateway.engine.api import Result
from gateway.money import Money
from handlers._common import BankCall, as_int, guarded
from handlers.notices import sms_to_caller

NOTHING_DUE = "nothing_due"
RECEIPT_TEXTS = {
    RepaymentKind.INSTALMENT: "effects.receipt",
    RepaymentKind.PARTIAL: "effects.receipt_partial",
    RepaymentKind.PAYOFF: "effects.receipt_payoff",
}


def _loan_id(call: BankCall) -> int | None:
    return as_int(call.vars.get("loan_id"))


def late_text(call: BankCall, instalment: Instalment) -> str:
    """ "Terlambat 5 hari, denda Rp1.420" for an overdue instalment; "" otherwise."""
    if instalment.days_late <= 0:
        return ""
    if instalment.late_fee:
        values = {"days": instalment.days_late, "late_fee": Money(instalment.late_fee)}
        return call.services.text("repay.late_with_fee", values)
    return call.services.text("repay.late", {"days": instalment.days_late})


def late_lines(call: BankCall, instalment: Instalment | None) -> dict[str, str]:
    """`late_text` (a screen line) and `late_note` (an SMS sentence), both empty when not late."""
    late = late_text(call, instalment) if instalment else ""
    return {"late_text": f"\n{late}" if late else "", "late_note": f" {late}." if late else ""}


def due_data(call: BankCall, due: DueInstalment) -> dict[str, Any]:
    """What JADWAL, my loans and the repay screens show of the next instalment."""
    bank = call.services.bank
    product = next((p for p in bank.loan_products() if p.code == due.loan.product_code), None)
    return {
        "loan_id": due.loan.id,
        "loan_ref": due.loan.reference,
        "product_name": product.name(call.lang) if product else due.loan.product_code,
        "due_amount": Money(due.instalment.to_pay),
        "due_total": due.instalment.to_pay,
        "instalment_amount": Money(due.instalment.remaining),
        "late_fee": Money(due.instalment.late_fee),
        "days_late": due.instalment.days_late,
        **late_lines(call, due.instalment),
        "due_date": due.instalment.due_date,
        "instalment_no": due.instalment.number,
        "instalments": len(due.loan.instalments),
        "overdue": due.overdue,
        "outstanding": Money(due.loan.outstanding),
        "min_partial": Money(product.min_partial_payment if product else 0),
    }


@guarded
def next_due(call: BankCall) -> Result:
    """What the next payment is. Categories: ok (`due_data`), nothing_due."""
    due = call.services.bank.next_due(call.msisdn, _loan_id(call), call.services.now())
    if due is None:
        return Result(NOTHING_DUE)
    return Result("ok", due_data(call, due))


@guarded
def pay(call: BankCall) -> Result:
    """The next instalment in full with its late fee (USSD), or `amount` (SMS `BAYAR <jumlah>`), once per
    idempotency key. Categories: ok (amount, balance, outstanding, reference, instalment_no, paid_off,
    late_fee, kind), paid_off (the same data: nothing is left to pay), insufficient (balance, amount),
    below_minimum (minimum, owed), nothing_due."""
    bank, now = call.services.bank, call.services.now()
    amount = as_int(call.vars.get("amount")) if call.channel == "sms" else None
    if amount is not None:
        return _paid(call, bank.repay(call.msisdn, _loan_id(call), amount, call.idempotency_key, now))
    return _paid(call, bank.repay_next_instalment(call.msisdn, _loan_id(call), call.idempotency_key, now))


@guarded
def part(call: BankCall) -> Result:
    """Another amount (`amount`), from the product's minimum. Categories as `pay`."""
    amount = as_int(call.vars.get("amount")) or 0
    outcome = call.services.bank.repay(call.msisdn, _loan_id(call), amount, call.idempotency_key, call.services.now())
    return _paid(call, outcome)


def _quote_data(quote: PayoffQuote) -> dict[str, Any]:
    return {
        "payoff_amount": Money(quote.amount),
        "payoff_total": quote.amount,
        "payoff_principal": Money(quote.principal),
        "payoff_interest": Money(quote.interest),
        "payoff_fees": Money(quote.fees),
        "payoff_late_fees": Money(quote.late_fees),
        "payoff_waived": Money(quote.waived),
    }


@guarded
def payoff_quote(call: BankCall) -> Result:
    """Early repayment in full, as the product's rule counts it today. Categories: ok (payoff_amount,
    payoff_total, payoff_principal, payoff_interest, payoff_fees, payoff_late_fees, payoff_waived),
    nothing_due."""
    quote = call.services.bank.payoff_quote(call.msisdn, _loan_id(call), call.services.now())
    if quote is None:
        return Result(NOTHING_DUE)
    return Result("ok", {"loan_id": quote.loan_id, **_quote_data(quote)})


@guarded
def pay_off(call: BankCall) -> Result:
    """Close the loan for `payoff_total`, the amount shown. Categories as `pay`, and changed (the new
    quote's data) when today's amount is not the one shown."""
    amount = as_int(call.vars.get("payoff_total")) or 0
    bank = call.services.bank
    outcome = bank.pay_off(call.msisdn, _loan_id(call), amount, call.idempotency_key, call.services.now())
    if isinstance(outcome, PayoffChanged):
        return Result("changed", _quote_data(outcome.quote))
    return _paid(call, outcome)


def _paid(call: BankCall, outcome: RepayResult) -> Result:
    if isinstance(outcome, NothingDue):
        return Result(NOTHING_DUE)
    if isinstance(outcome, InsufficientFunds):
        return Result("insufficient", {"balance": Money(outcome.balance), "amount": Money(outcome.amount_due)})
    if isinstance(outcome, BelowMinimum):
        return Result("below_minimum", {"minimum": Money(outcome.minimum), "owed": Money(outcome.owed)})
    if isinstance(outcome, PayoffChanged):
        return Result("changed", _quote_data(outcome.quote))
    data: dict[str, Any] = {
        "amount": Money(outcome.amount),
        "balance": Money(outcome.savings_balance),
        "outstanding": Money(outcome.outstanding),
        "reference": outcome.reference,
        "instalment_no": outcome.instalment_number,
        "paid_off": outcome.outstanding == 0,
        "late_fee": Money(outcome.late_fee),
    }
    kind = RepaymentKind.PAYOFF if outcome.outstanding == 0 else outcome.kind
    loan = call.vars.get("loan_ref") or call.vars.get("product_name") or outcome.loan_id
    receipt = {**data, "loan": loan}
    effects = sms_to_caller(call, f"receipt:{outcome.reference}", RECEIPT_TEXTS[kind], receipt, "receipt")
    category = "paid_off" if outcome.outstanding == 0 else "ok"
    return Result(category, {**data, "kind": kind.value}, effects=effects)
