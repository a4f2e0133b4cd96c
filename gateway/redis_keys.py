"""Every Redis key the gateway writes, one prefix per kind. A caller's USSD keys share one hash slot."""

from __future__ import annotations

PREFIX = "jmb:"


def _caller(msisdn: str) -> str:
    """Every key of one caller shares the hash tag `{msisdn}`: one Cluster slot, so one script may touch them."""
    return f"{PREFIX}{{{msisdn}}}"


def session(msisdn: str, session_id: str) -> str:
    return f"{_caller(msisdn)}:s:{session_id}"


def hop_lock(msisdn: str, session_id: str) -> str:
    return f"{_caller(msisdn)}:lock:{session_id}"


def resume(msisdn: str) -> str:
    return f"{_caller(msisdn)}:resume"


def language(msisdn: str) -> str:
    return f"{_caller(msisdn)}:lang"


def sms_code(msisdn: str) -> str:
    """The HMAC of a one-time SMS code and its tries (gateway.sms.otp)."""
    return f"{_caller(msisdn)}:sms:code"


def sms_codes_issued(msisdn: str) -> str:
    """How many codes this number was sent this hour."""
    return f"{_caller(msisdn)}:sms:codes-issued"


SANDBOX_MESSAGES = f"{PREFIX}sandbox:messages"


def sandbox_sent(idempotency_key: str) -> str:
    return f"{PREFIX}sandbox:sent:{idempotency_key}"
