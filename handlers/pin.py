"""PIN checks and changes. `call.value` holds the PIN; it is passed to the bank and nowhere else."""

from __future__ import annotations

from gateway.banking.interface import PinCheck, PinOutcome
from gateway.engine.api import Call, Result
from handlers._common import bank_of, guarded


def _result(check: PinCheck) -> Result:
    if check.outcome in (PinOutcome.WRONG, PinOutcome.LOCKED):
        return Result(check.outcome.value, {"attempts_left": check.attempts_left or 0})
    return Result(check.outcome.value)


@guarded
def verify(call: Call) -> Result:
    """Categories: ok, wrong (attempts_left), locked (attempts_left 0), unregistered, unknown."""
    return _result(bank_of(call).verify_pin(call.msisdn, call.value or ""))


@guarded
def register(call: Call) -> Result:
    """Categories: ok, weak, already_registered, unknown. Sets `registered` on success."""
    check = bank_of(call).register_pin(call.msisdn, call.value or "")
    if check.outcome is PinOutcome.OK:
        return Result("ok", {"registered": True, "can_register": False})
    return _result(check)


@guarded
def change(call: Call) -> Result:
    """For a screen behind `requires_pin`. Categories: ok, weak, same, locked, unregistered, unknown."""
    return _result(bank_of(call).change_pin(call.msisdn, call.value or ""))
