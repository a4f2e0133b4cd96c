"""Every Redis key the gateway writes, one prefix per kind. A caller's USSD keys share one hash slot.

Every key expires, except those `expires()` names (tests/integration/test_redis_ttl.py holds us to it):

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
    pending_effects   jmb:{msisdn}:effects     no TTL: a hash emptied as effects are applied (gateway.effects)
    funnel_counts     jmb:{msisdn}:funnel      FUNNEL_COUNTS_TTL_S: drop-off counters, screen ids only, moved
                                                into the database by gateway.funnels.roll_up

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
PENDING_EFFECTS_SUFFIX = ":effects"
PENDING_EFFECTS_MATCH = f"{PREFIX}{{*}}{PENDING_EFFECTS_SUFFIX}"
"""What the effects sweeper scans for (SCAN patterns take braces literally)."""


def pending_effects(msisdn: str) -> str:
    """A hash: effect key -> the effect not yet applied (gateway.effects), in the caller's slot so the session
    save writes it in the same script. A field is deleted once applied; the effects sweeper applies what a crash
    left. No TTL: an effect never expires, and the hash disappears with its last field."""
    return f"{_caller(msisdn)}{PENDING_EFFECTS_SUFFIX}"


FUNNEL_COUNTS_SUFFIX = ":funnel"
FUNNEL_COUNTS_MATCH = f"{PREFIX}{{*}}{FUNNEL_COUNTS_SUFFIX}"
FUNNEL_COUNTS_TTL_S = 2 * 24 * 3600
"""Counters the roll-up (every few minutes) has not moved to the database by then are dropped."""


def funnel_counts(msisdn: str) -> str:
    """A hash: `day|release|screen|event` -> count, written by the session save script (the caller's slot,
    so the save stays one script on Redis Cluster); holds no phone number, only its key is the caller's."""
    return f"{_caller(msisdn)}{FUNNEL_COUNTS_SUFFIX}"


def owner_of_pending(key: str) -> str:
    """The msisdn whose pending-effects hash `key` is."""
    return key[len(PREFIX) + 1 : -len(PENDING_EFFECTS_SUFFIX) - 1]


def expires(key: str) -> bool:
    """False for the kinds of key kept without a TTL (listed above)."""
    return key != SANDBOX_MESSAGES and not (key.startswith(f"{PREFIX}{{") and key.endswith(PENDING_EFFECTS_SUFFIX))


"""Keys kept without a TTL on purpose (see the table above)."""


def sandbox_sent(idempotency_key: str) -> str:
    return f"{PREFIX}sandbox:sent:{idempotency_key}"


SCORING_QUEUED = f"{PREFIX}scoring:queued"
"""Set while a scoring job is queued and not yet started: later submissions leave their case to that job."""
SCORING_QUEUED_TTL_S = 300
