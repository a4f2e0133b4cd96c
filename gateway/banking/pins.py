"""PIN rules of the built-in ledger: the format (gateway/pin_format.py, shared with the menu engine) and
how many wrong tries lock a PIN."""

from __future__ import annotations

from gateway.pin_format import PIN_LENGTH as PIN_LENGTH
from gateway.pin_format import is_weak_pin as is_weak_pin

MAX_PIN_ATTEMPTS = 3
