"""SMS banking on and off, for screens behind `requires_pin: always` (see gateway/banking/access.py)."""

from __future__ import annotations

from gateway.engine.api import Result
from handlers._common import UNKNOWN, BankCall, guarded


@guarded
def status(call: BankCall) -> Result:
    """Categories: on, off."""
    return Result("on" if call.services.bank.sms_banking(call.msisdn, call.services.now()) else "off")


@guarded
def enable(call: BankCall) -> Result:
    """Categories: ok, unknown."""
    return Result("ok" if call.services.bank.set_sms_banking(call.msisdn, True, call.services.now()) else UNKNOWN)


@guarded
def disable(call: BankCall) -> Result:
    """Categories: ok, unknown."""
    return Result("ok" if call.services.bank.set_sms_banking(call.msisdn, False, call.services.now()) else UNKNOWN)
