"""Loan products, quotes, applications and the customer's loans.

Session vars read: `product` (a code, or a number from `product_choices`), `tenor` (months, or a number
from `tenor_choices`), `amount`, `purpose`. SMS passes `amount` and `tenor` (months) and no product:
the one product that fits the customer and the request (`choose_sms_product`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from gateway.banking.interface import (
    ApplicationStatus,
    Bank,
    Customer,
    LoanProduct,
    LoanRequestProblem,
    LoanStatus,
    OpenApplicationExists,
    PatternKind,
    loan_request_problem,
)
from gateway.engine.api import Result
from gateway.money import Money
from handlers import repay
from handlers._common import UNKNOWN, BankCall, as_int, guarded, local_today, resolve_product
from handlers.applications import decision_effects
from handlers.disclosure import terms
from handlers.notices import sms_to_caller

MAX_LIST_LINES = 3
OPEN_APPLICATION = "open_application"
TERMS_CHANGED = "terms_changed"
"""The product's terms changed between the disclosure and the PIN: the customer reads the new ones first."""
DISCLOSED_TEXTS = frozenset({"rate_text", "fees_text", "late_text"})
"""Disclosure texts that follow from the product alone (the yearly rate also moves with the day)."""
OPEN_STATES = frozenset({ApplicationStatus.SUBMITTED, ApplicationStatus.APPROVED})


def offered_to(bank: Bank, customer: Customer) -> list[LoanProduct]:
    """The products for the customer's value chain and branch."""
    return [p for p in bank.loan_products() if p.serves(customer.value_chain, customer.place)]


@guarded
def products(call: BankCall) -> Result:
    """Categories: ok (products_text, product_choices: {"1": code, ...}, count), one (product: the only
    code that fits), none, unknown (not a customer)."""
    bank = call.services.bank
    customer = bank.customer_by_msisdn(call.msisdn)
    if customer is None:
        return Result(UNKNOWN)
    offered = offered_to(bank, customer)
    if not offered:
        return Result("none")
    choices = {str(n): p.code for n, p in enumerate(offered, start=1)}
    if len(offered) == 1:
        return Result("one", {"product": offered[0].code, "product_choices": choices, "count": 1})
    lines = [
        call.services.text("banking.product_line", {"number": n, "name": p.name(call.lang)})
        for n, p in enumerate(offered, start=1)
    ]
    return Result("ok", {"products_text": "\n".join(lines), "product_choices": choices, "count": len(offered)})


def _open_application(call: BankCall, product: LoanProduct) -> Result | None:
    for app in call.services.bank.my_loans(call.msisdn).applications:
        if app.product_code == product.code and app.status in OPEN_STATES:
            data = {"reference": app.reference, "product_name": product.name(call.lang), "amount": Money(app.amount)}
            return Result(OPEN_APPLICATION, data)
    return None


@guarded
def tenors(call: BankCall) -> Result:
    """The product's tenors as a numbered menu, after the product is chosen. Categories: ok (tenors_text,
    tenor_choices: {"1": months, ...}, tenor_count, tenor_question, product_name, amount_min, amount_max),
    open_application (reference, product_name, amount), unknown_product."""
    bank = call.services.bank
    product = resolve_product(bank.loan_products(), call.vars)
    if product is None:
        return Result(LoanRequestProblem.UNKNOWN_PRODUCT.value)
    if refusal := _open_application(call, product):
        return refusal
    today = local_today(bank.customer_by_msisdn(call.msisdn), call.services.now())
    harvest = product.pattern.kind is PatternKind.HARVEST
    lines = []
    for number, months in enumerate(product.tenors, start=1):
        values: dict[str, Any] = {"number": number, "months": months}
        if harvest:
            values["count"] = len(bank.quote(product.code, product.min_amount, months, today).instalments)
        lines.append(call.services.text("loans.tenor_line." + ("harvest" if harvest else "month"), values))
    data = {
        "tenors_text": "\n".join(lines),
        "tenor_choices": {str(n): months for n, months in enumerate(product.tenors, start=1)},
        "tenor_count": len(product.tenors),
        "tenor_question": call.services.text("loans.tenor_question." + ("harvest" if harvest else "month"), {}),
        "product_name": product.name(call.lang),
        "amount_min": Money(product.min_amount),
        "amount_max": Money(product.max_amount),
    }
    return Result("ok", data)


def _tenor(vars_: Mapping[str, Any]) -> int:
    """`tenor` in months: the number typed over SMS, or the months behind a USSD menu choice."""
    chosen = vars_.get("tenor")
    choices = vars_.get("tenor_choices")
    if isinstance(choices, Mapping) and str(chosen) in choices:
        return as_int(choices[str(chosen)]) or 0
    return as_int(chosen) or 0


def _request(call: BankCall, bank: Bank) -> tuple[LoanProduct | None, int, int, Result | None]:
    """The product, amount and tenor from the session, or the Result that refuses them. A product not
    offered to the customer (its value chains or branches changed since the menu) is an unknown one."""
    product = resolve_product(bank.loan_products(), call.vars)
    customer = bank.customer_by_msisdn(call.msisdn)
    if product and customer and not product.serves(customer.value_chain, customer.place):
        product = None
    amount, tenor = as_int(call.vars.get("amount")) or 0, _tenor(call.vars)
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


def _terms(call: BankCall, product: LoanProduct, amount: int, tenor: int) -> dict[str, Any]:
    bank = call.services.bank
    today = local_today(bank.customer_by_msisdn(call.msisdn), call.services.now())
    return terms(call, product, bank.quote(product.code, amount, tenor, today))


@guarded
def quote(call: BankCall) -> Result:
    """The disclosure before applying (handlers/disclosure.py). Categories: ok (the terms), out_of_range
    (min, max), bad_tenor (tenors), open_application (reference, product_name, amount), unknown_product.
    Due dates are estimated from today: the schedule starts on the disbursement day."""
    product, amount, tenor, refusal = _request(call, call.services.bank)
    if refusal is not None or product is None:
        return refusal or Result(LoanRequestProblem.UNKNOWN_PRODUCT.value)
    return _open_application(call, product) or Result("ok", _terms(call, product, amount, tenor))


@guarded
def submit(call: BankCall) -> Result:
    """Categories: ok (reference, amount and the terms), out_of_range, bad_tenor, unknown_product,
    open_application, terms_changed (the new terms), unknown (not a customer). Once per idempotency key: a
    retried hop gets the same reference. Over USSD an SMS with the personal summary of terms follows (after
    commit)."""
    bank = call.services.bank
    product, amount, tenor, refusal = _request(call, bank)
    if refusal is not None or product is None:
        return refusal or Result(LoanRequestProblem.UNKNOWN_PRODUCT.value)
    current = _terms(call, product, amount, tenor)
    if _terms_changed(call.vars, current):
        return Result(TERMS_CHANGED, current)
    purpose = str(call.vars.get("purpose") or "")
    try:
        application = bank.submit_application(
            call.msisdn, product.code, amount, tenor, purpose, call.idempotency_key, call.services.now()
        )
    except LookupError:
        return Result(UNKNOWN)
    except OpenApplicationExists as exc:
        return Result(OPEN_APPLICATION, {"reference": exc.reference, "product_name": product.name(call.lang)})
    if (application.amount, application.tenor) != (amount, tenor):  # a retried hop: the earlier application
        current = _terms(call, product, application.amount, application.tenor)
    data = {
        **current,
        "reference": application.reference,
        "amount": Money(application.amount),
    }
    key = f"application:{application.reference}"
    effects = sms_to_caller(call, key, "loans.sms.terms", data, "application")
    return Result("ok", data, effects=effects + decision_effects(call, application.reference))


def _terms_changed(shown: Mapping[str, Any], current: Mapping[str, Any]) -> bool:
    """Whether what the disclosure showed (every sum, the rate, the fees and the late fee) differs from the
    product's terms now: they changed while the customer read them. Nothing shown, nothing to compare (SMS)."""
    return any(
        key in shown and shown[key] != value
        for key, value in current.items()
        if isinstance(value, Money) or key in DISCLOSED_TEXTS
    )


def choose_sms_product(call: BankCall) -> LoanProduct | Result:
    """The product an SMS `PINJAM <amount> <tenor>` means: the one offered to the customer, or among
    several the one that takes this amount and tenor. Categories otherwise: no_product, choose_ussd
    (several fit: the customer picks on *123#), unknown."""
    bank = call.services.bank
    customer = bank.customer_by_msisdn(call.msisdn)
    if customer is None:
        return Result(UNKNOWN)
    offered = offered_to(bank, customer)
    if len(offered) > 1:
        amount, tenor = as_int(call.vars.get("amount")) or 0, _tenor(call.vars)
        offered = [p for p in offered if loan_request_problem(p, amount, tenor) is None] or offered
    if not offered:
        return Result("no_product")
    if len(offered) > 1:
        return Result("choose_ussd", {"count": len(offered)})
    return offered[0]


@guarded
def offer(call: BankCall) -> Result:
    """SMS `PINJAM <amount> <tenor>` before its confirmation code: the quote (product, total, instalment,
    yearly rate). Categories: those of `quote` and of `choose_sms_product`."""
    chosen = choose_sms_product(call)
    if isinstance(chosen, Result):
        return chosen
    return quote(replace(call, vars={**call.vars, "product": chosen.code}))


@guarded
def apply(call: BankCall) -> Result:
    """SMS `PINJAM <amount> <tenor> <code>`: like submit, with the product `offer` quoted (the same
    choice) when `product` is not given. Extra categories: those of `choose_sms_product`."""
    if call.vars.get("product") is not None:
        return submit(call)
    chosen = choose_sms_product(call)
    if isinstance(chosen, Result):
        return chosen
    return submit(replace(call, vars={**call.vars, "product": chosen.code}))


@guarded
def mine(call: BankCall) -> Result:
    """Categories: ok (an active loan), applied (only applications in progress), none.
    Data: loans_text (a few lines), outstanding, due_amount (with any late fee), due_date, count,
    late_text / late_note ("Terlambat 5 hari, denda Rp355" for an overdue instalment, else empty)."""
    bank = call.services.bank
    summary = bank.my_loans(call.msisdn, call.services.now())
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
    data.update(repay.late_lines(call, due))
    if due is not None:
        data.update(due_amount=Money(due.to_pay), due_date=due.due_date)
    if active:
        return Result("ok", data)
    return Result("applied" if summary.applications else "none", data)


@guarded
def schedule(call: BankCall) -> Result:
    """SMS `JADWAL`: the next instalment. Categories: ok (instalment_no, instalments, due_amount with any
    late fee, due_date, overdue, loan_id, late_note), none."""
    due = call.services.bank.next_due(call.msisdn, None, call.services.now())
    if due is None:
        return Result("none")
    return Result("ok", repay.due_data(call, due))


def _name(bank: Bank, code: str, lang: str) -> str:
    product = next((p for p in bank.loan_products() if p.code == code), None)
    return product.name(lang) if product else code
