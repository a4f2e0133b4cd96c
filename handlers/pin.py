"""PIN checks and changes, and setting a PIN with the branch's activation code.

`call.value` holds the PIN or the code; it is passed to the bank and nowhere else.
"""

from __future__ import annotations

from gateway.banking.interface import ActivationOutcome, PinCheck, PinOutcome
from gateway.engine.api import Result
from handlers._common import BankCall, guarded


def _result(check: PinCheck) -> Result:
    if check.outcome in (PinOutcome.WRONG, PinOutcome.LOCKED):
        return Result(check.outcome.value, {"attempts_left": check.attempts_left or 0})
    return Result(check.outcome.value)


@guarded
def verify(call: BankCall) -> Result:
    """Categories: ok, wrong (attempts_left), locked (attempts_left 0), unregistered, unknown."""
    return _result(call.services.bank.verify_pin(call.msisdn, call.value or ""))


@guarded
def activate(call: BankCall) -> Result:
    """The activation code from the branch. Categories: ok, wrong (tries_left), burnt, expired, none, unknown."""
    check = call.services.bank.redeem_activation(call.msisdn, call.value or "", call.services.now())
    if check.outcome is ActivationOutcome.WRONG:
        return Result(check.outcome.value, {"tries_left": check.tries_left or 0})
    return Result(check.outcome.value)


@guarded
def register(call: BankCall) -> Result:
    """The PIN, just after `pin.activate` said ok (a first PIN, or a new one after a lock-out).
    Categories: ok, weak, not_activated, unknown. Sets `registered` (and clears `locked`) on success."""
    check = call.services.bank.activate_pin(call.msisdn, call.value or "", call.services.now())
    if check.outcome is PinOutcome.OK:
        return Result("ok", {"registered": True, "can_register": False, "locked": False})
    return _result(check)


@guarded
def change(call: BankCall) -> Result:
    """For a screen behind `requires_pin`. Categories: ok, weak, same, locked, unregistered, unknown."""
    return _result(call.services.bank.change_pin(call.msisdn, call.value or ""))
