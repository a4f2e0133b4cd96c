"""The only code that touches session keys in Redis: one round trip to open a hop, one to save it."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

import redis

from gateway import redis_keys
from gateway.engine.state import SessionState

POLL_INTERVAL_S = 0.02


@dataclass
class StoredSession:
    state: SessionState
    consumed: int
    token: str
    reply: str
    end: bool

    def dumps(self, state_json: str | None = None) -> str:
        """The record as JSON; pass the state's JSON when it is already made (it is stored twice)."""
        head = json.dumps(
            {"n": self.consumed, "t": self.token, "r": self.reply, "e": self.end},
            separators=(",", ":"),
            ensure_ascii=False,
        )
        return head[:-1] + ',"st":' + (state_json or self.state.dumps()) + "}"

    @classmethod
    def loads(cls, raw: bytes | str) -> StoredSession:
        data = json.loads(raw)
        return cls(SessionState.from_dict(data["st"]), data["n"], data["t"], data["r"], data["e"])


@dataclass
class Opened:
    locked: bool
    record: StoredSession | None
    lang: str | None
    resumable: SessionState | None


# One round trip to open a hop: take the lock, read the session, the language and a resumable session.
_OPEN = """
local locked = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2])
return {locked and 1 or 0, redis.call('GET', KEYS[2]), redis.call('GET', KEYS[3]), redis.call('GET', KEYS[4])}
"""
# One round trip to close it: the session, the resumable copy (or its removal), the language, the lock.
_SAVE = """
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
if ARGV[5] == '1' then redis.call('DEL', KEYS[2]) else redis.call('SET', KEYS[2], ARGV[3], 'EX', ARGV[4]) end
if ARGV[6] ~= '' then redis.call('SET', KEYS[3], ARGV[6]) end
redis.call('DEL', KEYS[4])
return 1
"""


class SessionStore:
    def __init__(self, client: redis.Redis, ttl_s: int, resume_window_s: int, lock_s: int) -> None:
        self.redis, self.ttl_s, self.resume_window_s, self.lock_s = client, ttl_s, resume_window_s, lock_s
        self._open = client.register_script(_OPEN)
        self._save = client.register_script(_SAVE)

    def open(self, session_id: str, msisdn: str) -> Opened:
        """Take the hop lock and read the session, the remembered language and a resumable session."""
        keys = [redis_keys.hop_lock(msisdn, session_id), redis_keys.session(msisdn, session_id),
                redis_keys.language(msisdn), redis_keys.resume(msisdn)]
        locked, raw, lang, resume = self._open(keys=keys, args=[secrets.token_hex(4), self.lock_s * 1000])
        return Opened(
            locked=bool(locked),
            record=StoredSession.loads(raw) if raw else None,
            lang=lang.decode() if isinstance(lang, bytes) else lang,
            resumable=SessionState.loads(resume) if resume else None,
        )

    def peek(self, session_id: str, msisdn: str) -> StoredSession | None:
        raw = self.redis.get(redis_keys.session(msisdn, session_id))
        return StoredSession.loads(raw) if raw else None

    def wait_for(self, session_id: str, msisdn: str, token: str, wait_s: float) -> StoredSession | None:
        """A retry that arrived while the first request is still running waits for its reply."""
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            record = self.peek(session_id, msisdn)
            if record is not None and record.token == token:
                return record
            time.sleep(POLL_INTERVAL_S)
        return None

    def save(self, session_id: str, msisdn: str, record: StoredSession, remember_lang: str | None) -> None:
        state_json = record.state.dumps()
        keys = [redis_keys.session(msisdn, session_id), redis_keys.resume(msisdn), redis_keys.language(msisdn),
                redis_keys.hop_lock(msisdn, session_id)]
        resume_json = record.state.for_resume().dumps()
        self._save(keys=keys, args=[record.dumps(state_json), self.ttl_s, resume_json, self.resume_window_s,
                                    "1" if record.end else "0", remember_lang or ""])

    def release(self, session_id: str, msisdn: str) -> None:
        self.redis.delete(redis_keys.hop_lock(msisdn, session_id))

    def remember_language(self, msisdn: str, lang: str) -> None:
        self.redis.set(redis_keys.language(msisdn), lang)

    def language(self, msisdn: str) -> str | None:
        value: Any = self.redis.get(redis_keys.language(msisdn))
        return value.decode() if isinstance(value, bytes) else value
