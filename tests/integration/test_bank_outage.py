"""The bank's database is down: a polite localized END within a second or so, never a hang or a 5xx."""

from __future__ import annotations

import time

import redis

from gateway.app import create_app
from gateway.banking.ledger import SqlBank
from gateway.config import Settings
from gateway.runtime import build_runtime
from gateway.storage.db import make_engine
from tests.conftest import redis_test_url
from tests.ussd_support import AfricasTalkingPhone

UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/test"


def test_a_dial_while_the_database_is_down_ends_politely_and_fast(redis_client: redis.Redis) -> None:
    engine = make_engine(UNREACHABLE)
    settings = Settings(redis_url=redis_test_url(), database_url=UNREACHABLE, secret_key="test-secret")
    app = create_app(runtime=build_runtime(settings, bank=SqlBank(engine), db_engine=engine))
    phone = AfricasTalkingPhone(app.test_client(), "+6281220150101", "outage-1")
    started = time.monotonic()
    status, body = phone.post("")
    elapsed = time.monotonic() - started
    assert (status, body) == (200, "END Maaf, layanan bank sedang terganggu. Silakan coba lagi nanti.")
    assert elapsed < 2.5
    assert app.test_client().get("/healthz").status_code == 503
