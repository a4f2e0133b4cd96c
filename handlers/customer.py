"""Who is calling: sets `registered`, `can_register`, `locked` and `tz` for the menu and handlers.

No name: before the PIN the menu greets neutrally, so a shared or recycled phone does not learn who banks here.
"""

from __future__ import annotations

from gateway.engine.api import Result
from handlers._common import UNKNOWN, BankCall, guarded


@guarded
def lookup(call: BankCall) -> Result:
    """Categories: ok, unregistered, locked, unknown."""
    customer = call.services.bank.customer_by_msisdn(call.msisdn)
    if customer is None:
        return Result(UNKNOWN, {"registered": False, "can_register": False, "locked": False, "tz": ""})
    data = {
        "registered": customer.registered,
        "can_register": not customer.registered,
        "locked": customer.locked,
        "tz": customer.tz,
    }
    if customer.locked:
        return Result("locked", data)
    return Result("ok" if customer.registered else "unregistered", data)
