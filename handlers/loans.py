"""Loan products, quotes, applications and the customer's loans.

Session vars read: `product` (a code, or a number from `product_choices`), `amount`, `tenor`, `purpose`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from gateway.banking.interface import Bank, LoanProduct, LoanRequestProblem, LoanStatus, loan_request_problem
from gateway.engine.api import Result
from gateway.money import Money
from handlers._common import UNKNOWN, BankCall, as_int, guarded, local_today, resolve_product
from handlers.notices import sms_to_caller

MAX_LIST_LINES = 3


@guarded
def products(call: BankCall) -> Result:
    """Categories: ok (products_text, product_choices: {"1": code, ...}, count), none."""
    offered = call.services.bank.loan_products()
    if not offered:
        return Result("none")
    lines = [
        call.services.text("banking.product_line", {"number": n, "name": p.name(call.lang)})
        for n, p in enumerate(offered, start=1)
    ]
    choices = {str(n): p.code for n, p in enumerate(offered, start=1)}
    return Result("ok", {"products_text": "\n".join(lines), "product_choices": choices, "count": len(offered)})


def _request(call: BankCall, bank: Bank) -> tuple[LoanProduct | None, int, int, Result | None]:
    """The product, amount and tenor from the session, or the Result that refuses them."""
    product = resolve_product(bank.loan_products(), call.vars)
    amount, tenor = as_int(call.vars.get("amount")) or 0, as_int(call.vars.get("tenor")) or 0
    problem = loan_request_problem(product, amount, tenor)
    if product is None or problem is LoanRequestProblem.UNKNOWN_PRODUCT:
        return None, amount, tenor, Result(LoanRequestProblem.UNKNOWN_PRODUCT.value)
    named: dict[str, Any] = {"product_name": product.name(call.lang)}
    if problem is LoanRequestProblem.OUT_OF_RANGE:
        refusal = Result(problem.value, {**named, "min": Money(product.min_amount), "max": Money(product.max_amount)})
        return product, amount, tenor, refusal
    if problem is LoanRequestProblem.BAD_TENOR:
        tenors = ", ".join(str(t) for t in product.tenors)
        return product, amount, tenor, Result(problem.value, {**named, "tenors": tenors})
    return product, amount, tenor, None


@guarded
def quote(call: BankCall) -> Result:
    """The disclosure before applying. Categories: ok, out_of_range (min, max), bad_tenor (tenors),
    unknown_product. ok data: product_name, principal, interest, fees, total, instalments (count),
    instalment_amount (the first), last_amount, first_due, last_due, tenor."""
    bank = call.services.bank
    product, amount, tenor, refusal = _request(call, bank)
    if refusal is not None or product is None:
        return refusal or Result(LoanRequestProblem.UNKNOWN_PRODUCT.value)
    today = local_today(bank.customer_by_msisdn(call.msisdn), call.services.now())
    plan = bank.quote(product.code, amount, tenor, today)
    first, last = plan.instalments[0], plan.instalments[-1]
    return Result(
        "ok",
        {
            "product_name": product.name(call.lang),
            "principal": Money(plan.principal),
            "interest": Money(plan.interest),
            "fees": Money(plan.fees),
            "total": Money(plan.total),
            "instalments": len(plan.instalments),
            "instalment_amount": Money(first.amount),
            "last_amount": Money(last.amount),
            "first_due": first.due_date,
            "last_due": last.due_date,
            "tenor": tenor,
        },
    )


@guarded
def submit(call: BankCall) -> Result:
    """Categories: ok (reference, product_name, amount, tenor), out_of_range, bad_tenor, unknown_product,
    unknown (not a customer). Once per idempotency key: a retried hop gets the same reference."""
    bank = call.services.bank
    product, amount, tenor, refusal = _request(call, bank)
    if refusal is not None or product is None:
        return refusal or Result(LoanRequestProblem.UNKNOWN_PRODUCT.value)
    purpose = str(call.vars.get("purpose") or "")
    try:
        application = bank.submit_application(
            call.msisdn, product.code, amount, tenor, purpose, call.idempotency_key, call.services.now()
        )
    except LookupError:
        return Result(UNKNOWN)
    data = {
        "reference": application.reference,
        "product_name": product.name(call.lang),
        "amount": Money(application.amount),
        "tenor": application.tenor,
    }
    return Result(
        "ok",
        data,
        effects=sms_to_caller(call, f"application:{application.reference}", "effects.application", data, "application"),
    )


@guarded
def apply(call: BankCall) -> Result:
    """SMS `PINJAM <amount> <tenor>`: like submit, with the product of the customer's value chain
    when `product` is not given. Extra category: no_product (no product fits the customer)."""
    bank = call.services.bank
    if call.vars.get("product") is not None:
        return submit(call)
    customer = bank.customer_by_msisdn(call.msisdn)
    if customer is None:
        return Result(UNKNOWN)
    fitting = next((p for p in bank.loan_products() if p.serves(customer.value_chain, customer.place)), None)
    if fitting is None:
        return Result("no_product")
    return submit(replace(call, vars={**call.vars, "product": fitting.code}))


@guarded
def mine(call: BankCall) -> Result:
    """Categories: ok (an active loan), applied (only applications in progress), none.
    Data: loans_text (a few lines), outstanding, due_amount, due_date, count."""
    bank = call.services.bank
    summary = bank.my_loans(call.msisdn)
    lines: list[str] = []
    for app in summary.applications:
        lines.append(
            call.services.text(
                "banking.application_line",
                {
                    "reference": app.reference,
                    "product": _name(bank, app.product_code, call.lang),
                    "status": call.services.text(f"banking.status.{app.status.value}", {}),
                    "amount": Money(app.amount),
                },
            )
        )
    active = [loan for loan in summary.loans if loan.status is LoanStatus.ACTIVE]
    for loan in active:
        lines.append(
            call.services.text(
                "banking.loan_line",
                {
                    "product": _name(bank, loan.product_code, call.lang),
                    "outstanding": Money(loan.outstanding),
                    "reference": loan.reference,
                },
            )
        )
    data: dict[str, Any] = {
        "loans_text": "\n".join(lines[:MAX_LIST_LINES]),
        "count": len(lines),
        "outstanding": Money(sum(loan.outstanding for loan in active)),
    }
    due = min((loan.next_instalment for loan in active if loan.next_instalment), key=lambda i: i.due_date, default=None)
    if due is not None:
        data.update(due_amount=Money(due.remaining), due_date=due.due_date)
    if active:
        return Result("ok", data)
    return Result("applied" if summary.applications else "none", data)


@guarded
def schedule(call: BankCall) -> Result:
    """SMS `JADWAL`: the next instalment. Categories: ok (instalment_no, instalments, due_amount,
    due_date, overdue, loan_id), none."""
    due = call.services.bank.next_due(call.msisdn, None, call.services.now())
    if due is None:
        return Result("none")
    return Result(
        "ok",
        {
            "instalment_no": due.instalment.number,
            "instalments": len(due.loan.instalments),
            "due_amount": Money(due.instalment.remaining),
            "due_date": due.instalment.due_date,
            "overdue": due.overdue,
            "loan_id": due.loan.id,
        },
    )


def _name(bank: Bank, code: str, lang: str) -> str:
    product = next((p for p in bank.loan_products() if p.code == code), None)
    return product.name(lang) if product else code
