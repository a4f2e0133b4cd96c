"""One-time codes that authorise an SMS command which reveals or moves money.

The code goes to the sender's own number; only an HMAC of it (bound to the number and the exact
command) is kept in Redis, for `CODE_TTL_S`, beside a digest of the quote it was sent with (PINJAM), so
that the confirmation can tell whether the quote still reads the same. A code works once; `MAX_ATTEMPTS`
wrong tries burn it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from enum import Enum
from typing import Any, Protocol

from gateway import redis_keys as keys

CODE_DIGITS = 6
CODE_TTL_S = 300
MAX_ATTEMPTS = 3
MAX_CODES_PER_HOUR = 5
"""Each code costs an SMS to the number in the From field, which anyone can forge: cap it."""
_HOUR_S = 3600

# Compare and consume in one step, so two concurrent right answers cannot both succeed.
_VERIFY = """
local mac = redis.call('HGET', KEYS[1], 'mac')
if not mac then return 'missing' end
if mac == ARGV[1] then redis.call('DEL', KEYS[1]) return 'ok' end
local tries = redis.call('HINCRBY', KEYS[1], 'tries', 1)
if tries >= tonumber(ARGV[2]) then redis.call('DEL', KEYS[1]) return 'burned' end
return 'wrong'
"""


class CodeRedis(Protocol):
    def eval(self, script: str, numkeys: int, *keys_and_args: Any) -> Any: ...
    def hget(self, name: str, key: str) -> Any: ...
    def pipeline(self, transaction: bool = True) -> Any: ...


class Verdict(str, Enum):
    OK = "ok"
    WRONG = "wrong"  # tries remain
    BURNED = "burned"  # that was the last try; the code is gone
    MISSING = "missing"  # never issued, expired, already used, or replaced by a newer code


class OneTimeCodes:
    """Issue and verify codes for `(msisdn, command)`; `secret` is the app's secret key, never in Redis."""

    def __init__(
        self,
        redis: CodeRedis,
        secret: bytes,
        *,
        ttl_s: int = CODE_TTL_S,
        max_attempts: int = MAX_ATTEMPTS,
        max_per_hour: int = MAX_CODES_PER_HOUR,
    ) -> None:
        if not secret:
            raise ValueError("a secret key is required")
        self._redis = redis
        self._secret = secret
        self.ttl_s = ttl_s
        self.max_attempts = max_attempts
        self.max_per_hour = max_per_hour

    def issue(self, msisdn: str, command: str, seen: str = "") -> str | None:
        """A fresh code to send to `msisdn` (replacing any earlier one); None if the hourly cap is reached.
        `seen`: a digest of what the code's message showed (a quote), for `seen` to give back before verifying."""
        pipe = self._redis.pipeline(transaction=True)
        pipe.set(keys.sms_codes_issued(msisdn), 0, ex=_HOUR_S, nx=True)  # the hour starts at the first code
        pipe.incr(keys.sms_codes_issued(msisdn))
        _, issued = pipe.execute()
        if int(issued) > self.max_per_hour:
            return None
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        pipe = self._redis.pipeline(transaction=True)
        pipe.delete(keys.sms_code(msisdn))
        fields = {"mac": self._mac(msisdn, command, code), "tries": 0, "seen": seen}
        pipe.hset(keys.sms_code(msisdn), mapping=fields)
        pipe.expire(keys.sms_code(msisdn), self.ttl_s)
        pipe.execute()
        return code

    def verify(self, msisdn: str, command: str, code: str) -> Verdict:
        """Whether `code` authorises `command` from `msisdn`; a right code is consumed."""
        mac = self._mac(msisdn, command, code.strip())
        outcome = self._redis.eval(_VERIFY, 1, keys.sms_code(msisdn), mac, self.max_attempts)
        return Verdict(outcome.decode() if isinstance(outcome, bytes) else outcome)

    def seen(self, msisdn: str) -> str:
        """The digest the current code was issued with ("" for none, or no code)."""
        value = self._redis.hget(keys.sms_code(msisdn), "seen")
        return value.decode() if isinstance(value, bytes) else str(value or "")

    def tries_left(self, msisdn: str) -> int:
        """Wrong tries the current code still allows (0 when there is no code)."""
        pipe = self._redis.pipeline(transaction=False)
        pipe.exists(keys.sms_code(msisdn))
        pipe.hget(keys.sms_code(msisdn), "tries")
        exists, tries = pipe.execute()
        return max(0, self.max_attempts - int(tries or 0)) if exists else 0

    def _mac(self, msisdn: str, command: str, code: str) -> str:
        message = "\x1f".join((msisdn, command, code)).encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()
