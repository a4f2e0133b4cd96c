"""Who may set a PIN, and who may bank by SMS: the rules and their records (no I/O).

**Activation codes.** A PIN is set only with a one-time code the branch hands the customer in person
(`jembatan customers activate`, or `jembatan pin unlock` after a lock-out): whoever holds the SIM of a
registered number (recycled, swapped) is not thereby the customer. A code is 8 digits, valid
`activation_ttl` (7 days), burnt by 3 wrong tries, used up when the PIN is set. A right code opens a
window of `pin_setup_window` in which the PIN may be set; the code stays valid until then, so a dropped
session can enter it again.

Only an HMAC-SHA256 of the code is stored, keyed with the PIN pepper (a secret kept outside the
database) and bound to the number. A code has only 10^8 values, so no unkeyed hash (argon2 included:
10^8 x 5 ms is days on one core, hours on a few GPUs) would stop a search of a stolen table; the key
does, as it does for PINs. Online guessing is what the 3 tries, the expiry and single use stop.

**SMS banking.** An SMS sender cannot be authenticated, and a code sent back to the same SIM proves only
that SIM. So SMS commands that show money or personal loan data, or move money, work only while the
customer has switched SMS banking on over USSD with the PIN. It switches itself off after
`sms_banking_idle` (90 days) without such a command, on a lock-out, on a new PIN set with an activation
code, and when the customer's number changes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum

ACTIVATION_CODE_LENGTH = 8
MAX_ACTIVATION_TRIES = 3
DEFAULT_ACTIVATION_TTL_S = 7 * 24 * 3600
DEFAULT_PIN_SETUP_WINDOW_S = 15 * 60
DEFAULT_SMS_BANKING_INACTIVITY_DAYS = 90


class PinOutcome(str, Enum):
    OK = "ok"
    WRONG = "wrong"
    LOCKED = "locked"
    UNREGISTERED = "unregistered"
    UNKNOWN = "unknown"
    WEAK = "weak"
    ALREADY_REGISTERED = "already_registered"
    SAME = "same"
    NOT_ACTIVATED = "not_activated"
    """No activation code was redeemed within the set-up window: the PIN cannot be set."""


@dataclass(frozen=True)
class PinCheck:
    outcome: PinOutcome
    attempts_left: int | None = None


class ActivationOutcome(str, Enum):
    OK = "ok"
    WRONG = "wrong"
    BURNT = "burnt"
    """The last allowed try was wrong: the code is gone; the branch issues a new one."""
    EXPIRED = "expired"
    NONE = "none"
    """No code is waiting for this number (never issued, used, burnt or expired before)."""
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class ActivationCheck:
    outcome: ActivationOutcome
    tries_left: int | None = None


@dataclass(frozen=True)
class AccessPolicy:
    activation_ttl: timedelta = timedelta(seconds=DEFAULT_ACTIVATION_TTL_S)
    pin_setup_window: timedelta = timedelta(seconds=DEFAULT_PIN_SETUP_WINDOW_S)
    sms_banking_idle: timedelta = timedelta(days=DEFAULT_SMS_BANKING_INACTIVITY_DAYS)


def new_activation_code() -> str:
    return f"{secrets.randbelow(10**ACTIVATION_CODE_LENGTH):0{ACTIVATION_CODE_LENGTH}d}"


def is_activation_code(text: str) -> bool:
    return len(text) == ACTIVATION_CODE_LENGTH and text.isascii() and text.isdigit()


def activation_digest(code: str, msisdn: str, pepper: str) -> str:
    """What is stored of a code: bound to the number, keyed with the pepper (never the code itself)."""
    return hmac.new(pepper.encode(), f"activation:{msisdn}:{code}".encode(), hashlib.sha256).hexdigest()


def same_digest(stored: str, code: str, msisdn: str, pepper: str) -> bool:
    return hmac.compare_digest(stored, activation_digest(code, msisdn, pepper))
