"""The USSD endpoints over HTTP against the real Redis, on the engine's test menu."""

from __future__ import annotations

import threading
import time

import pytest
import redis
from flask.testing import FlaskClient

from gateway.runtime import Runtime
from tests.ussd_support import AfricasTalkingPhone, JsonPhone

PHONE = "+6281234567890"
MAIN = "CON Menu uji\n1. Saldo\n2. Jumlah\n3. Teks panjang\n4. Bahasa\n5. Rahasia\n6. Rusak"


@pytest.fixture(params=["africastalking", "json"])
def phone(request: pytest.FixtureRequest, basic_client: FlaskClient) -> AfricasTalkingPhone | JsonPhone:
    cls = AfricasTalkingPhone if request.param == "africastalking" else JsonPhone
    return cls(basic_client, "0812-3456-7890", "sess-http-1")


def test_both_adapters_walk_the_same_conversation(phone: AfricasTalkingPhone | JsonPhone) -> None:
    assert phone.dial() == MAIN
    assert phone.send("2") == "CON Jumlah pinjaman:\n0 Kembali 00 Menu"
    assert phone.send("1.500.000") == "CON Pinjam Rp1.500.000?\n1. Ya\n0 Kembali 00 Menu"
    assert phone.send("0") == "CON Jumlah pinjaman:\n0 Kembali 00 Menu"
    assert phone.send("00") == MAIN
    assert phone.send("1") == "CON Masukkan PIN:\n0 Kembali 00 Menu"
    assert phone.send("482913") == "END Saldo Anda Rp1.500.000"


def test_the_pin_and_the_raw_text_never_reach_redis(
    phone: AfricasTalkingPhone | JsonPhone, redis_client: redis.Redis
) -> None:
    phone.dial()
    phone.send("1")
    phone.send("482913")
    for key in redis_client.keys("*"):
        value = redis_client.get(key) if redis_client.type(key) == b"string" else b""
        assert b"482913" not in (value or b""), key


def test_a_retried_request_gets_the_stored_reply_and_runs_nothing_twice(
    basic_client: FlaskClient, basic_runtime: Runtime
) -> None:
    calls: list[str] = []
    original = basic_runtime.dialog.handlers["t.balance"]

    def counting(call):  # type: ignore[no-untyped-def]
        calls.append(call.idempotency_key)
        return original(call)

    handlers = dict(basic_runtime.dialog.handlers, **{"t.balance": counting})
    object.__setattr__(basic_runtime.dialog, "handlers", handlers)
    at = AfricasTalkingPhone(basic_client, PHONE, "sess-retry")
    at.dial()
    at.send("1")
    first = at.send("482913")
    status, again = at.post("1*482913")
    assert status == 200
    assert again == first == "END Saldo Anda Rp1.500.000"
    assert len(calls) == 1


def test_a_retry_that_arrives_while_the_first_is_running_waits_for_its_reply(
    basic_client: FlaskClient, basic_runtime: Runtime
) -> None:
    original = basic_runtime.dialog.handlers["t.balance"]
    calls: list[str] = []

    def slow(call):  # type: ignore[no-untyped-def]
        calls.append(call.idempotency_key)
        time.sleep(0.3)
        return original(call)

    object.__setattr__(basic_runtime.dialog, "handlers", dict(basic_runtime.dialog.handlers, **{"t.balance": slow}))
    at = AfricasTalkingPhone(basic_client, PHONE, "sess-inflight")
    at.dial()
    at.send("1")
    replies: list[str] = []
    app = basic_client.application

    def post() -> None:
        with app.test_client() as client:
            replies.append(AfricasTalkingPhone(client, PHONE, "sess-inflight").post("1*482913")[1])

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
        time.sleep(0.05)
    for thread in threads:
        thread.join()
    assert replies == ["END Saldo Anda Rp1.500.000"] * 2
    assert len(calls) == 1


def test_a_dropped_session_is_offered_on_redial_and_resumes(basic_client: FlaskClient) -> None:
    first = AfricasTalkingPhone(basic_client, PHONE, "sess-drop-1")
    first.dial()
    first.send("2")
    first.send("2jt")
    second = AfricasTalkingPhone(basic_client, PHONE, "sess-drop-2")
    assert second.dial() == "CON Lanjutkan sesi sebelumnya?\n1. Ya, lanjutkan\n2. Tidak, mulai baru"
    assert second.send("1") == "CON Jumlah pinjaman:\n0 Kembali 00 Menu"  # the resume copy keeps no money
    assert second.send("2jt") == "CON Pinjam Rp2.000.000?\n1. Ya\n0 Kembali 00 Menu"


def test_a_finished_session_is_not_offered_for_resume(basic_client: FlaskClient) -> None:
    first = AfricasTalkingPhone(basic_client, PHONE, "sess-done-1")
    first.dial()
    first.send("1")
    assert first.send("482913").startswith("END")
    assert AfricasTalkingPhone(basic_client, PHONE, "sess-done-2").dial() == MAIN


def test_language_choice_is_remembered_for_the_next_call(basic_client: FlaskClient) -> None:
    first = AfricasTalkingPhone(basic_client, PHONE, "sess-lang-1")
    first.dial()
    first.send("4")
    assert first.send("2").startswith("CON Test menu\n1. Balance")
    first.send("1")
    first.send("482913")
    assert AfricasTalkingPhone(basic_client, "6281234567890", "sess-lang-2").dial().startswith("CON Test menu")


def test_pagination_over_http_keeps_every_screen_within_the_limit(phone: AfricasTalkingPhone | JsonPhone) -> None:
    phone.dial()
    screens = [phone.send("3")]
    while "1. Ya" not in screens[-1] and len(screens) < 10:
        screens.append(phone.send("99"))
    assert phone.send("1") == "END Selesai"
    assert all(len(s) - 4 <= 160 for s in screens)
