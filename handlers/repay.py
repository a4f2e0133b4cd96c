"""Repaying the next instalment from savings. `loan_id` in the session picks a loan; none means the
earliest instalment due on any active loan."""

from __future__ import annotations

from typing import Any

from gateway.banking.interface import InsufficientFunds, NothingDue
from gateway.engine.api import Result
from gateway.money import Money
from handlers._common import BankCall, as_int, guarded
from handlers.notices import sms_to_caller

NOTHING_DUE = "nothing_due"


def _loan_id(call: BankCall) -> int | None:
    return as_int(call.vars.get("loan_id"))


@guarded
def next_due(call: BankCall) -> Result:
    """What the next payment is. Categories: ok (loan_id, loan_ref, product_name, due_amount, due_date,
    instalment_no, instalments, overdue), nothing_due."""
    bank = call.services.bank
    due = bank.next_due(call.msisdn, _loan_id(call), call.services.now())
    if due is None:
        return Result(NOTHING_DUE)
    product = next((p for p in bank.loan_products() if p.code == due.loan.product_code), None)
    return Result(
        "ok",
        {
            "loan_id": due.loan.id,
            "loan_ref": due.loan.reference,
            "product_name": product.name(call.lang) if product else due.loan.product_code,
            "due_amount": Money(due.instalment.remaining),
            "due_date": due.instalment.due_date,
            "instalment_no": due.instalment.number,
            "instalments": len(due.loan.instalments),
            "overdue": due.overdue,
        },
    )


@guarded
def pay(call: BankCall) -> Result:
    """Pay the next instalment in full, once per idempotency key. Categories: ok (amount, balance,
    outstanding, reference, instalment_no, paid_off), insufficient (balance, amount), nothing_due,
    wrong_amount (SMS only, when `amount` was given and is not what is due: due_amount, due_date)."""
    bank = call.services.bank
    loan_id = _loan_id(call)
    if call.channel == "sms" and call.vars.get("amount") is not None:
        due = bank.next_due(call.msisdn, loan_id, call.services.now())
        if due is None:
            return Result(NOTHING_DUE)
        if as_int(call.vars["amount"]) != due.instalment.remaining:
            return Result(
                "wrong_amount", {"due_amount": Money(due.instalment.remaining), "due_date": due.instalment.due_date}
            )
    outcome = bank.repay_next_instalment(call.msisdn, loan_id, call.idempotency_key, call.services.now())
    if isinstance(outcome, NothingDue):
        return Result(NOTHING_DUE)
    if isinstance(outcome, InsufficientFunds):
        return Result("insufficient", {"balance": Money(outcome.balance), "amount": Money(outcome.amount_due)})
    data: dict[str, Any] = {
        "amount": Money(outcome.amount),
        "balance": Money(outcome.savings_balance),
        "outstanding": Money(outcome.outstanding),
        "reference": outcome.reference,
        "instalment_no": outcome.instalment_number,
        "paid_off": outcome.outstanding == 0,
    }
    loan = call.vars.get("loan_ref") or call.vars.get("product_name") or outcome.loan_id
    receipt = {**data, "loan": loan}
    return Result(
        "ok", data, effects=sms_to_caller(call, f"receipt:{outcome.reference}", "effects.receipt", receipt, "receipt")
    )
