"""A Redis database of the run's own: two test runs on one machine never share keys.

The first call claims a free database number (1-15) on the configured server with a key in database 0
that expires by itself (so a killed run frees its claim), and the run releases it when pytest ends.
The number is passed on in `JEMBATAN_TEST_REDIS_DB`, so subprocesses of the run use the same database.
"""

from __future__ import annotations

import os
import secrets

import redis

CLAIM_PREFIX = "jembatan:test-db-claim:"
CLAIM_TTL_S = 3 * 3600
"""Longer than any run of the suite; a run that was killed frees its database after this."""
CLAIMABLE_DBS = range(15, 0, -1)
ENV_DB = "JEMBATAN_TEST_REDIS_DB"
_TOKEN = f"{os.getpid()}:{secrets.token_hex(6)}"


def server_url() -> str:
    """The configured Redis server, without a database number."""
    base = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    return base.rsplit("/", 1)[0] if base.count("/") >= 3 else base


def claimed_db() -> int:
    if os.environ.get(ENV_DB):
        return int(os.environ[ENV_DB])
    admin = redis.Redis.from_url(f"{server_url()}/0")
    try:
        for db in CLAIMABLE_DBS:
            if admin.set(f"{CLAIM_PREFIX}{db}", _TOKEN, nx=True, ex=CLAIM_TTL_S):
                os.environ[ENV_DB] = str(db)
                return db
    finally:
        admin.close()
    raise RuntimeError(f"every Redis database 1-15 on {server_url()} is claimed by another test run")


def release() -> None:
    db = os.environ.get(ENV_DB)
    if not db:
        return
    admin = redis.Redis.from_url(f"{server_url()}/0")
    try:
        key = f"{CLAIM_PREFIX}{db}"
        if admin.get(key) == _TOKEN.encode():
            admin.delete(key)
    except redis.RedisError:
        pass
    finally:
        admin.close()
