"""The only code that touches session keys in Redis: one round trip to open a hop, one to save it.

The hop lock holds a random owner token; only its owner deletes it (compare-and-delete in Lua), so a hop
that overran its lock cannot delete the lock of the hop that came after it. Every Redis failure leaves
this module as `StoreUnavailable`, which the dialog answers with a polite END.
"""

from __future__ import annotations

import json
import secrets
import time
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import redis
from redis.commands.core import Script
from redis.exceptions import NoScriptError

from gateway import redis_keys
from gateway.engine.state import SessionState
from gateway.per_thread_redis import PerThreadRedis

POLL_INTERVAL_S = 0.02


class StoreUnavailable(RuntimeError):
    """Redis did not answer (down, timed out, refusing writes); `cause` is the client's error."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause


@contextmanager
def _redis_answers() -> Iterator[None]:
    try:
        yield
    except redis.RedisError as exc:
        raise StoreUnavailable(exc) from exc


@dataclass
class StoredSession:
    state: SessionState
    consumed: int
    token: str
    reply: str
    end: bool

    def dumps(self) -> bytes:
        """The record as compact JSON, deflated (with `PACKED_V1`'s dictionary) when longer than `PACK_OVER`."""
        head = json.dumps(
            {"n": self.consumed, "t": self.token, "r": self.reply, "e": self.end},
            separators=(",", ":"),
            ensure_ascii=False,
        )
        raw = (head[:-1] + ',"st":' + self.state.dumps() + "}").encode()
        if len(raw) <= PACK_OVER:
            return raw
        packer = zlib.compressobj(PACK_LEVEL, zlib.DEFLATED, -PACK_WINDOW_BITS, PACK_MEMORY, zdict=PACK_DICTIONARY_V2)
        return PACKED_V2 + packer.compress(raw) + packer.flush()

    @classmethod
    def loads(cls, raw: bytes | str) -> StoredSession:
        dictionary = PACK_DICTIONARIES.get(raw[:1]) if isinstance(raw, bytes) else None
        if dictionary is not None and isinstance(raw, bytes):
            unpacker = zlib.decompressobj(-PACK_WINDOW_BITS, zdict=dictionary)
            raw = unpacker.decompress(raw[1:], MAX_UNPACKED)
        data = json.loads(raw)
        return cls(SessionState.from_dict(data["st"]), data["n"], data["t"], data["r"], data["e"])


PACK_OVER = 540
"""Records up to this many bytes are stored as plain JSON: no deflate cost on most hops (menus, a balance),
and with the resume key (a session id) still within issue 10's 600 bytes per live session."""
PACKED_V1 = b"\x01"
"""First byte of a deflated record (JSON starts with `{`). A new dictionary takes a new marker: records
already stored must still read."""
PACK_DICTIONARY = (
    b'{"$d":"2026-{"$m":000000},"main","loans","_amount","_product","_tenor",},"ok":true,"pt":"rd":"ra":"a":['
    b'"hi":["va":{"registered":true,"can_register":false,"locked":false,"tz":"Asia/Jakarta"},"n":,"e":false,'
    b'"st":{"v":"s":"l":"id","h":"main",Rp\\n0 Kembali 00 Menu","e":false,"t":"{"n":'
)
"""Strings most records share (the record's and `SessionState.to_dict`'s names, common values); never edit."""
PACKED_V2 = b"\x02"
PACK_DICTIONARY_V2 = PACK_DICTIONARY + (
    b'"loan_tenor","loan_amount","loan_purpose","loan_consent","loan_disclosure","loan_disclosure_fees",'
    b'"loan_disclosure_schedule","loan_disclosure_agree","product":"product_choices":{"1":"count":1,'
    b'"tenors_text":"1. 6 bulan\\n2. 12 bulan\\n3. 18 bulan\\n4. 24 bulan","tenor_choices":{"1":6,"2":12,'
    b'"tenor_count":"tenor_question":"Berapa bulan?","product_name":"amount_min":{"$m":"amount_max":{"$m":'
    b'"tenor":"amount":{"$m":"min":{"$m":"max":{"$m":"principal":{"$m":"interest":{"$m":"fees":{"$m":'
    b'"total":{"$m":"rate_text":"flat "yearly_rate":"fees_text":"provisi Rp, administrasi Rp'
    b'"late_text":"% sehari dari angsuran setelah  hari, paling banyak "every_text":"tiap bulan",'
    b'"plan_text":" x Rp, lalu Rp"instalments":"instalment_amount":{"$m":"last_amount":{"$m":'
    b'"first_due":{"$d":"last_due":{"$d":"purpose":"consent":"reference":"loan_submit"'
)
"""V1's strings and the loan application's (its disclosure is the largest record); never edit: a new one takes
a new marker."""
PACK_DICTIONARIES = {PACKED_V1: PACK_DICTIONARY, PACKED_V2: PACK_DICTIONARY_V2}
PACK_LEVEL = 6
PACK_WINDOW_BITS = 12
PACK_MEMORY = 5
MAX_UNPACKED = 64 * 1024


@dataclass
class Opened:
    locked: bool
    record: StoredSession | None
    lang: str | None
    resumable: SessionState | None
    owner: str = ""
    """The lock's owner token: pass it to `save` or `release`."""
    idle_ms: int | None = None
    """Milliseconds since the session was last saved (the reply the caller answers was sent), from the
    record's remaining TTL; None for a new session."""


# One round trip to open a hop: take the lock, read the session, the language and, for a new session only, the
# caller's last session (the resume key holds its id; ARGV[3] is the caller's session key prefix: same slot).
_OPEN = """
local locked = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])
local record = redis.call('GET', KEYS[2])
local last = false
if not record then
  last = redis.call('GET', KEYS[4])
  if last then last = redis.call('GET', ARGV[3] .. last) end
end
return {locked and 1 or 0, record, redis.call('GET', KEYS[3]), last, redis.call('PTTL', KEYS[2])}
"""
# One round trip to close it: the session, the resume pointer to it (or its removal), the language, the pending
# effects (ARGV[9] field/value arguments from ARGV[11]), the drop-off counters (the rest, each counted once, their
# hash kept ARGV[10] s), and the lock if it is still this hop's. Returns 0 when the lock was lost (the hop overran it).
_SAVE = """
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
if ARGV[5] == '1' then redis.call('DEL', KEYS[2]) else redis.call('SET', KEYS[2], ARGV[3], 'EX', ARGV[4]) end
if ARGV[6] ~= '' then redis.call('SET', KEYS[3], ARGV[6], 'EX', ARGV[7]) end
local counted = 11 + tonumber(ARGV[9])
for i = 11, counted - 1, 2 do redis.call('HSET', KEYS[5], ARGV[i], ARGV[i + 1]) end
for i = counted, #ARGV do redis.call('HINCRBY', KEYS[6], ARGV[i], 1) end
if #ARGV >= counted then redis.call('EXPIRE', KEYS[6], ARGV[10]) end
if redis.call('GET', KEYS[4]) == ARGV[8] then redis.call('DEL', KEYS[4]) return 1 end
return 0
"""
_RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


def resumable(raw: bytes | None) -> SessionState | None:
    """What a redial may continue from: the caller's last session (unfinished), as `for_resume` copies it.

    Redis keeps no second copy: the resume key names the last session, whose record outlives it."""
    if not raw:
        return None
    last = StoredSession.loads(raw)
    return None if last.end else last.state.for_resume()


class SessionStore:
    def __init__(
        self,
        client: redis.Redis,
        ttl_s: int,
        resume_window_s: int,
        lock_s: int,
        language_ttl_s: int = redis_keys.LANGUAGE_TTL_S,
        *,
        counted: bool = True,
    ) -> None:
        self.redis, self.ttl_s, self.resume_window_s, self.lock_s = client, ttl_s, resume_window_s, lock_s
        self.language_ttl_s = language_ttl_s
        self.counted = counted
        """False for walks that are no caller (the simulators): they add nothing to the drop-off counters."""
        self._scripts = PerThreadRedis(client)
        self._open = client.register_script(_OPEN)
        self._save = client.register_script(_SAVE)
        self._release = client.register_script(_RELEASE)

    def _run(self, script: Script, keys: list[str], args: list[Any]) -> Any:
        """EVALSHA on this thread's own connection (redis-py's `Script.__call__` and pool round trip cost more
        than the call itself); a server that lost its scripts (restarted, flushed) gets it loaded by `Script`."""
        try:
            return self._scripts.execute("EVALSHA", script.sha, len(keys), *keys, *args)
        except NoScriptError:
            return script(keys=keys, args=args)

    def open(self, session_id: str, msisdn: str) -> Opened:
        """Try to take the hop lock; read the session, the cached language and a resumable session."""
        keys = [
            redis_keys.hop_lock(msisdn, session_id),
            redis_keys.session(msisdn, session_id),
            redis_keys.language(msisdn),
            redis_keys.resume(msisdn),
        ]
        owner = secrets.token_hex(8)
        with _redis_answers():
            locked, raw, lang, last, left_ms = self._run(
                self._open, keys, [owner, self.lock_s * 1000, redis_keys.session(msisdn, "")]
            )
        return Opened(
            locked=bool(locked),
            record=StoredSession.loads(raw) if raw else None,
            lang=lang.decode() if isinstance(lang, bytes) else lang,
            resumable=resumable(last),
            owner=owner if locked else "",
            idle_ms=max(0, self.ttl_s * 1000 - left_ms) if raw and left_ms >= 0 else None,
        )

    def open_in_turn(self, session_id: str, msisdn: str, wait_s: float) -> Opened:
        """`open`, waiting up to `wait_s` while another hop of the session holds the lock.

        The result is not `locked` when the wait ran out.
        """
        deadline = time.monotonic() + wait_s
        opened = self.open(session_id, msisdn)
        while not opened.locked and time.monotonic() < deadline:
            time.sleep(POLL_INTERVAL_S)
            opened = self.open(session_id, msisdn)
        return opened

    def peek(self, session_id: str, msisdn: str) -> StoredSession | None:
        with _redis_answers():
            raw = self.redis.get(redis_keys.session(msisdn, session_id))
        return StoredSession.loads(raw) if raw else None

    def save(
        self,
        session_id: str,
        msisdn: str,
        record: StoredSession,
        remember_lang: str | None,
        owner: str,
        pending: Sequence[str] = (),
        counts: Sequence[str] = (),
    ) -> bool:
        """Store the hop's outcome and release its lock; False when the lock had passed to another hop.

        `pending`: the hop's effects as field/value pairs (gateway.effects); `counts`: drop-off counter fields
        (gateway.funnels), each counted once; both kept in the same round trip."""
        if not self.counted:
            counts = ()
        keys = [
            redis_keys.session(msisdn, session_id),
            redis_keys.resume(msisdn),
            redis_keys.language(msisdn),
            redis_keys.hop_lock(msisdn, session_id),
            redis_keys.pending_effects(msisdn),
            redis_keys.funnel_counts(msisdn),
        ]
        with _redis_answers():
            released = self._run(
                self._save,
                keys,
                [
                    record.dumps(),
                    self.ttl_s,
                    session_id,
                    self.resume_window_s,
                    "1" if record.end else "0",
                    remember_lang or "",
                    self.language_ttl_s,
                    owner,
                    len(pending),
                    redis_keys.FUNNEL_COUNTS_TTL_S,
                    *pending,
                    *counts,
                ],
            )
        return bool(released)

    def release(self, session_id: str, msisdn: str, owner: str) -> None:
        """Delete the hop lock if `owner` still holds it."""
        with _redis_answers():
            self._run(self._release, [redis_keys.hop_lock(msisdn, session_id)], [owner])

    def remember_language(self, msisdn: str, lang: str) -> None:
        """Cache a number's language (the bank keeps a customer's for good; see redis_keys.LANGUAGE_TTL_S)."""
        self.redis.set(redis_keys.language(msisdn), lang, ex=self.language_ttl_s)

    def language(self, msisdn: str) -> str | None:
        value: Any = self.redis.get(redis_keys.language(msisdn))
        return value.decode() if isinstance(value, bytes) else value
