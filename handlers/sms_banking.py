"""SMS banking on and off, for screens behind `requires_pin: always` (see gateway/banking/access.py)."""

from __future__ import annotations

from gateway.engine.api import Call, Result
from handlers._common import UNKNOWN, bank_of, guarded


@guarded
def status(call: Call) -> Result:
    """Categories: on, off."""
    return Result("on" if bank_of(call).sms_banking(call.msisdn, call.services.now()) else "off")


@guarded
def enable(call: Call) -> Result:
    """Categories: ok, unknown."""
    return Result("ok" if bank_of(call).set_sms_banking(call.msisdn, True, call.services.now()) else UNKNOWN)


@guarded
def disable(call: Call) -> Result:
    """Categories: ok, unknown."""
    return Result("ok" if bank_of(call).set_sms_banking(call.msisdn, False, call.services.now()) else UNKNOWN)
