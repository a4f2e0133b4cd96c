"""What a PIN looks like: the format rule both the menu engine (input check) and the ledger (refusal) apply.

A PIN is six ASCII digits and must not be guessable from the keypad or the phone number. Weak: one digit
repeated (000000); a run up or down the keypad, wrapping 9 to 0 (123456, 654321, 890123); a repeated
pair or triple (121212, 123123); the last six digits of the customer's own number.
"""

from __future__ import annotations

import itertools

PIN_LENGTH = 6


def _is_run(digits: list[int], step: int) -> bool:
    return all((b - a) % 10 == step % 10 for a, b in itertools.pairwise(digits))


def is_weak_pin(pin: str, msisdn: str = "") -> bool:
    """True for anything that is not six ASCII digits, and for a guessable PIN."""
    if len(pin) != PIN_LENGTH or not pin.isascii() or not pin.isdigit():
        return True
    digits = [int(c) for c in pin]
    if _is_run(digits, 0) or _is_run(digits, 1) or _is_run(digits, -1):
        return True
    if pin == pin[:2] * 3 or pin == pin[:3] * 2:
        return True
    return bool(msisdn) and msisdn.endswith(pin)
