"""Every Redis key the gateway writes, one prefix per kind. A caller's USSD keys share one hash slot.

Every key expires, except those in `NO_TTL` (tests/integration/test_redis_ttl.py holds us to it):

    session     jmb:{msisdn}:s:<session id>     Settings.session_ttl_s (300 s)
    hop_lock    jmb:{msisdn}:lock:<session id>  Settings.hop_lock_s (10 s), owner-checked
    resume      jmb:{msisdn}:resume             Settings.resume_window_s (180 s): the id of the caller's last
                                                unfinished session; a redial's copy is derived from its record
    language    jmb:{msisdn}:lang               Settings.language_ttl_s (30 days): a cache;
                                                a customer's language lives in the bank (customers.lang)
    sms_code    jmb:{msisdn}:sms:code           CODE_TTL_S (gateway.sms.otp)
    sms_codes_issued  ...:sms:codes-issued      one hour
    sandbox_sent      jmb:sandbox:sent:<key>    SANDBOX_DEDUP_TTL_S (gateway.sms.sandbox)
    SANDBOX_MESSAGES  jmb:sandbox:messages      no TTL: a list capped by LTRIM, development sandbox only
    PENDING_EFFECTS   jmb:effects:pending       no TTL: a hash emptied as effects are applied (gateway.effects)

RQ's own keys (`rq:*`) are RQ's: it expires jobs and results itself and keeps its registries.
"""

from __future__ import annotations

PREFIX = "jmb:"
LANGUAGE_TTL_S = 30 * 24 * 3600
"""How long a number's language stays cached; a miss for a customer reads it from the bank again."""


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
PENDING_EFFECTS = f"{PREFIX}effects:pending"
"""A hash: effect key -> the effect not yet applied (gateway.effects). Written with the session save, its
field deleted once applied; the effects sweeper applies what a crash left. No TTL: an effect never expires."""
NO_TTL = (SANDBOX_MESSAGES, PENDING_EFFECTS)
"""Keys kept without a TTL on purpose (see the table above)."""


def sandbox_sent(idempotency_key: str) -> str:
    return f"{PREFIX}sandbox:sent:{idempotency_key}"
