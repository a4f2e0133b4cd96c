"""Redis bytes per live session: STRLEN of the session key plus the caller's resume key, at every hop of the
demo journeys (balance, a loan application through its summary to the PIN, a repayment to its confirmation).

    python bench/session_size_bench.py      (REDIS_URL: the Redis to use; keys of one test session, removed)

Walks the golden transcripts' inputs through the real app (Africa's Talking adapter) on a fresh demo bank in
a temporary SQLite file. Target (issue 10): at most 600 bytes at every hop.
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask import Flask

from gateway import redis_keys
from gateway.app import create_app
from gateway.banking.demo import DAIRY, seed
from gateway.banking.ledger import SqlBank
from gateway.config import Settings
from gateway.runtime import build_runtime
from gateway.simulator import PIN
from gateway.storage.db import make_engine
from gateway.storage.migrate import upgrade
from gateway.transcripts import Transcript

TRANSCRIPTS = Path(__file__).resolve().parent.parent / "tests" / "transcripts" / "ussd"
JOURNEYS = ("balance", "loan_application", "repay")
MAX_SESSION_BYTES = 600
CLOCK = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)  # the transcripts' morning
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def demo_app(folder: Path, redis_url: str) -> Flask:
    url = f"sqlite:///{folder / 'bank.db'}"
    engine = make_engine(url)
    upgrade(engine)
    bank = seed(SqlBank(engine), CLOCK)
    settings = Settings(redis_url=redis_url, database_url=url, secret_key=secrets.token_hex(16))
    return create_app(runtime=build_runtime(settings, clock=lambda: CLOCK, bank=bank, db_engine=engine))


def journey_sizes(app: Flask, name: str) -> list[int]:
    """Session + resume bytes after each hop of the journey `name` (DAIRY's calls)."""
    transcript = Transcript.read(TRANSCRIPTS / f"{name}.yaml")
    client, redis = app.test_client(), app.extensions["jembatan"].redis
    session_id, inputs, sizes = f"bench-size-{secrets.token_hex(4)}", [], []
    keys = (redis_keys.session(DAIRY.msisdn, session_id), redis_keys.resume(DAIRY.msisdn))
    try:
        for index, turn in enumerate(transcript.turns):
            if index:
                inputs.append((DAIRY.pin or "") if turn.input == PIN else turn.input)
            client.post(
                "/ussd/africastalking",
                data={
                    "sessionId": session_id,
                    "serviceCode": "*123#",
                    "phoneNumber": DAIRY.msisdn,
                    "text": "*".join(inputs),
                },
            )
            sizes.append(sum(int(redis.strlen(key)) for key in keys))
    finally:
        redis.delete(*keys)
    return sizes


def main() -> int:
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    worst = 0
    with tempfile.TemporaryDirectory() as folder:
        app = demo_app(Path(folder), redis_url)
        for name in JOURNEYS:
            sizes = journey_sizes(app, name)
            worst = max(worst, *sizes)
            print(f"session bytes, {name:<16} per hop {sizes}")
    verdict = "MET" if worst <= MAX_SESSION_BYTES else "MISSED"
    print(f"session bytes: max {worst} (session key + resume key); target <= {MAX_SESSION_BYTES}: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
