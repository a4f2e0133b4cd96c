"""Banking actions the menus call, by the names written in YAML (`handler: savings.balance`).

One explicit registry, so a name in a menu can be grepped to its function.
"""

from __future__ import annotations

from handlers import applications, complaints, customer, loans, pin, repay, savings, sms_banking
from handlers._common import BankHandler

REGISTRY: dict[str, BankHandler] = {
    "customer.lookup": customer.lookup,
    "pin.verify": pin.verify,
    "pin.activate": pin.activate,
    "pin.register": pin.register,
    "pin.change": pin.change,
    "savings.balance": savings.balance,
    "savings.statement": savings.statement,
    "loans.products": loans.products,
    "loans.tenors": loans.tenors,
    "loans.quote": loans.quote,
    "loans.offer": loans.offer,
    "loans.submit": loans.submit,
    "loans.apply": loans.apply,
    "loans.mine": loans.mine,
    "loans.schedule": loans.schedule,
    "applications.find": applications.find,
    "applications.withdraw": applications.withdraw,
    "repay.next": repay.next_due,
    "repay.pay": repay.pay,
    "repay.part": repay.part,
    "repay.payoff_quote": repay.payoff_quote,
    "repay.pay_off": repay.pay_off,
    "sms_banking.status": sms_banking.status,
    "sms_banking.enable": sms_banking.enable,
    "sms_banking.disable": sms_banking.disable,
    "complaints.open": complaints.open_complaint,
}

__all__ = ["REGISTRY"]
