"""What a phone gets while Redis is down, and how fast: `.venv/bin/python -m bench.redis_outage`.

Runs a Redis server of its own on a free port, the real menus on a seeded SQLite demo bank (in-process,
through Flask's test client on both USSD endpoints), and times dials in four phases: healthy, Redis killed,
Redis frozen (SIGSTOP: connections accepted, nothing answers), Redis restarted. Prints one row per phase.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from flask.testing import FlaskClient

from gateway.app import create_app
from gateway.banking.demo import seed
from gateway.banking.ledger import SqlBank
from gateway.config import Settings
from gateway.runtime import build_runtime
from gateway.storage.db import make_engine
from gateway.storage.migrate import upgrade
from tests.redis_server import RedisServer

PHONE = "+6281220150101"  # a demo customer (gateway.banking.demo)


def dial(client: FlaskClient, endpoint: str, session_id: str) -> tuple[float, int, str]:
    started = time.perf_counter()
    if endpoint == "africastalking":
        response = client.post(
            "/ussd/africastalking",
            data={"sessionId": session_id, "serviceCode": "*123#", "phoneNumber": PHONE, "text": ""},
        )
        body = response.get_data(as_text=True)
    else:
        response = client.post(
            "/ussd/json",
            json={"sessionId": session_id, "msisdn": PHONE, "serviceCode": "*123#", "sequence": 1, "input": "*123#"},
        )
        reply = response.get_json()
        body = f"{'CON' if reply['continue'] else 'END'} {reply['message']}"
    return (time.perf_counter() - started) * 1000, response.status_code, body


def phase(client: FlaskClient, name: str, hops: int) -> None:
    timings, answers = [], Counter()
    for number in range(hops):
        for endpoint in ("africastalking", "json"):
            ms, status, body = dial(client, endpoint, f"{name}-{endpoint}-{number}")
            timings.append(ms)
            answers[f"{status} {body.splitlines()[0][:60]}"] += 1
    p50, worst = statistics.median(timings), max(timings)
    print(f"{name:<10} {len(timings):>5} hops  p50 {p50:7.1f} ms  max {worst:7.1f} ms  {dict(answers)}")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hops", type=int, default=50, help="dials per endpoint per phase")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        server = RedisServer(Path(folder))
        server.start()
        try:
            url = f"sqlite:///{Path(folder) / 'bank.db'}"
            engine = make_engine(url)
            upgrade(engine)
            bank = seed(SqlBank(engine), datetime.now(UTC))
            settings = Settings(redis_url=server.url, database_url=url)
            client = create_app(runtime=build_runtime(settings, bank=bank, db_engine=engine)).test_client()
            phase(client, "healthy", args.hops)
            server.kill()
            phase(client, "killed", args.hops)
            server.start()
            with server.frozen():
                phase(client, "frozen", max(1, args.hops // 10))
            server.restart()
            phase(client, "restarted", args.hops)
        finally:
            server.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
