"""Every Redis key the gateway writes, one prefix per kind. Session keys share one hash slot per session."""

from __future__ import annotations

PREFIX = "jmb:"


def session(session_id: str) -> str:
    return f"{PREFIX}s:{{{session_id}}}"


def hop_lock(session_id: str) -> str:
    return f"{PREFIX}s:{{{session_id}}}:lock"


def resume(msisdn: str) -> str:
    return f"{PREFIX}resume:{msisdn}"


def language(msisdn: str) -> str:
    return f"{PREFIX}lang:{msisdn}"


def sms_seen(provider: str, message_id: str) -> str:
    return f"{PREFIX}sms:seen:{provider}:{message_id}"


def sms_code(msisdn: str) -> str:
    return f"{PREFIX}sms:code:{msisdn}"


def sandbox_outbox() -> str:
    return f"{PREFIX}sandbox:outbox"
