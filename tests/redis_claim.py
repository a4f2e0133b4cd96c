"""A Redis database of the run's own: two test runs on one machine never share keys.

The first call claims a free database number (1-15) on the configured server with a key in database 0
naming this host and process. The run releases it when pytest ends; a claim whose process is gone (a
killed run on this host) is taken over at once, and any claim expires by itself an hour after its last use.
The number is passed on in `JEMBATAN_TEST_REDIS_DB`, so subprocesses of the run use the same database.
"""

from __future__ import annotations

import os
import secrets
import socket

import redis

CLAIM_PREFIX = "jembatan:test-db-claim:"
CLAIM_TTL_S = 3600
"""Renewed by every test that uses Redis (`refresh`), so only an abandoned claim runs out."""
CLAIMABLE_DBS = range(15, 0, -1)
ENV_DB = "JEMBATAN_TEST_REDIS_DB"
_TOKEN = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(6)}"

# Take over a claim only if it still holds the value we judged abandoned.
_TAKE_OVER = """
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
end
return false
"""


def _abandoned(value: bytes | None) -> bool:
    """A claim by a process of this host that no longer runs."""
    if value is None:
        return False
    parts = value.decode(errors="replace").split(":")
    host, pid = (parts[0], parts[1]) if len(parts) == 3 else (socket.gethostname(), parts[0])
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def server_url() -> str:
    """The configured Redis server, without a database number."""
    base = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    return base.rsplit("/", 1)[0] if base.count("/") >= 3 else base


def claimed_db() -> int:
    if os.environ.get(ENV_DB):
        return int(os.environ[ENV_DB])
    admin = redis.Redis.from_url(f"{server_url()}/0")
    try:
        take_over = admin.register_script(_TAKE_OVER)
        for db in CLAIMABLE_DBS:
            key = f"{CLAIM_PREFIX}{db}"
            taken = admin.set(key, _TOKEN, nx=True, ex=CLAIM_TTL_S)
            if not taken:
                holder = admin.get(key)
                taken = _abandoned(holder) and take_over(keys=[key], args=[holder, _TOKEN, CLAIM_TTL_S])
            if taken:
                os.environ[ENV_DB] = str(db)
                return db
    finally:
        admin.close()
    raise RuntimeError(f"every Redis database 1-15 on {server_url()} is claimed by another test run")


_admin: list[redis.Redis] = []


def refresh() -> None:
    """Keep this run's claim alive: one EXPIRE, on a connection to database 0 kept for the run."""
    db = os.environ.get(ENV_DB)
    if not db:
        return
    if not _admin:
        _admin.append(redis.Redis.from_url(f"{server_url()}/0"))
    _admin[0].expire(f"{CLAIM_PREFIX}{db}", CLAIM_TTL_S)


def release() -> None:
    db = os.environ.get(ENV_DB)
    if not db:
        return
    for kept in _admin:
        kept.close()
    admin = redis.Redis.from_url(f"{server_url()}/0")
    try:
        key = f"{CLAIM_PREFIX}{db}"
        if admin.get(key) == _TOKEN.encode():
            admin.delete(key)
    except redis.RedisError:
        pass
    finally:
        admin.close()
