"""Every Redis key the SMS package uses, in one place. `{msisdn}` braces keep one number's keys in
one Redis Cluster hash slot."""

from __future__ import annotations

PREFIX = "jembatan:sms:"
SANDBOX_MESSAGES = f"{PREFIX}sandbox:messages"


def otp(msisdn: str) -> str:
    return f"{PREFIX}otp:{{{msisdn}}}"


def otp_issued(msisdn: str) -> str:
    return f"{PREFIX}otp-issued:{{{msisdn}}}"


def sandbox_sent(idempotency_key: str) -> str:
    return f"{PREFIX}sandbox:sent:{idempotency_key}"
