"""Hops of one session run one at a time, in turn: a new input waits for the hop in flight and then runs; a retry
of the hop in flight gets its stored reply; the lock is owner-checked, so an overrun hop frees nobody else's lock.

Real Redis and threads; the handler in flight is held on an event, so no test depends on timing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis
from flask import Flask
from sqlalchemy import create_engine

from gateway import redis_keys
from gateway.app import create_app
from gateway.engine.api import Call, Result
from gateway.engine.state import SessionState
from gateway.runtime import Runtime, build_runtime
from gateway.sessions import Opened, SessionStore, StoredSession
from tests.conftest import basic_settings
from tests.ussd_support import AfricasTalkingPhone

PHONE = "+6281234567890"
WAIT_S = 10.0  # bounds every wait; the tests finish as soon as the events fire
MAIN = "CON Menu uji\n"


class HeldHandler:
    """Wraps a handler: each call signals `entered`, then waits for `release` (bounded)."""

    def __init__(self, original: Callable[[Call], Result]) -> None:
        self.original = original
        self.entered, self.release = threading.Event(), threading.Event()
        self.calls = 0

    def __call__(self, call: Call) -> Result:
        self.calls += 1
        self.entered.set()
        assert self.release.wait(WAIT_S), "the test never released the held hop"
        return self.original(call)


@pytest.fixture
def runtime(redis_client: redis.Redis) -> Runtime:
    settings = basic_settings(retry_wait_s=WAIT_S)
    return build_runtime(settings, bank=object(), db_engine=create_engine("sqlite://"))


@pytest.fixture
def held_lookup(runtime: Runtime) -> HeldHandler:
    held = HeldHandler(runtime.dialog.handlers["t.lookup"])
    object.__setattr__(runtime.dialog, "handlers", dict(runtime.dialog.handlers, **{"t.lookup": held}))
    return held


@pytest.fixture
def app(runtime: Runtime) -> Flask:
    return create_app(runtime=runtime)


@pytest.fixture
def lock_waits(runtime: Runtime) -> Iterator[threading.Event]:
    """Set when a hop found the session's lock taken (and so started waiting its turn)."""
    waiting = threading.Event()
    store = runtime.store
    original = store.open

    def spying_open(session_id: str, msisdn: str) -> Opened:
        opened = original(session_id, msisdn)
        if not opened.locked:
            waiting.set()
        return opened

    store.open = spying_open  # type: ignore[method-assign]
    yield waiting
    del store.open


def json_hop(app: Flask, sequence: int, entry: str, replies: dict[int, Any]) -> None:
    with app.test_client() as client:
        response = client.post(
            "/ussd/json",
            json={
                "sessionId": "order-1",
                "msisdn": PHONE,
                "serviceCode": "*123#",
                "sequence": sequence,
                "input": entry,
            },
        )
        replies[sequence] = (response.status_code, response.get_json()["message"])


def in_thread(target: Callable[..., None], *args: Any) -> threading.Thread:
    thread = threading.Thread(target=target, args=args, daemon=True)
    thread.start()
    return thread


def test_a_new_input_waits_for_the_hop_in_flight_then_runs_after_it(
    app: Flask, held_lookup: HeldHandler, lock_waits: threading.Event
) -> None:
    replies: dict[int, Any] = {}
    first = in_thread(json_hop, app, 1, "*123#", replies)
    assert held_lookup.entered.wait(WAIT_S)
    second = in_thread(json_hop, app, 2, "2", replies)
    assert lock_waits.wait(WAIT_S), "the second hop should find the lock taken"
    held_lookup.release.set()
    first.join(WAIT_S)
    second.join(WAIT_S)
    assert replies[1][0] == replies[2][0] == 200
    assert replies[1][1].startswith("Menu uji\n")
    assert replies[2][1].startswith("Jumlah pinjaman:"), "the second input ran on the first hop's screen"
    assert held_lookup.calls == 1


def test_a_retry_of_the_hop_in_flight_gets_its_reply_and_runs_nothing_twice(
    app: Flask, held_lookup: HeldHandler, lock_waits: threading.Event
) -> None:
    replies: dict[str, Any] = {}

    def dial(name: str) -> None:
        with app.test_client() as client:
            response = client.post(
                "/ussd/africastalking",
                data={"sessionId": "order-2", "serviceCode": "*123#", "phoneNumber": PHONE, "text": ""},
            )
            replies[name] = (response.status_code, response.get_data(as_text=True))

    first = in_thread(dial, "first")
    assert held_lookup.entered.wait(WAIT_S)
    retry = in_thread(dial, "retry")
    assert lock_waits.wait(WAIT_S)
    held_lookup.release.set()
    first.join(WAIT_S)
    retry.join(WAIT_S)
    assert replies["first"] == replies["retry"]
    assert replies["first"][0] == 200 and replies["first"][1].startswith(MAIN)
    assert held_lookup.calls == 1


def test_a_hop_that_cannot_get_the_lock_in_time_answers_busy(redis_client: redis.Redis) -> None:
    runtime = build_runtime(basic_settings(retry_wait_s=0.1), bank=object(), db_engine=create_engine("sqlite://"))
    holder = runtime.store.open("order-3", PHONE)
    assert holder.locked
    response = (
        create_app(runtime=runtime)
        .test_client()
        .post(
            "/ussd/africastalking",
            data={"sessionId": "order-3", "serviceCode": "*123#", "phoneNumber": PHONE, "text": ""},
        )
    )
    busy = runtime.menus.current.catalog.render("id", "engine.busy")
    assert (response.status_code, response.get_data(as_text=True)) == (200, f"END {busy}")
    assert redis_client.get(redis_keys.hop_lock(PHONE, "order-3")) == holder.owner.encode(), "not the holder's lock"


def record(text: str) -> StoredSession:
    return StoredSession(SessionState(menu_version="v", screen="main", lang="id"), 1, "t", text, False)


def test_a_hop_that_overran_its_lock_cannot_free_the_lock_of_the_hop_after_it(redis_client: redis.Redis) -> None:
    store = SessionStore(redis_client, ttl_s=300, resume_window_s=180, lock_s=10)
    lock_key = redis_keys.hop_lock(PHONE, "order-4")
    late = store.open("order-4", PHONE)
    redis_client.delete(lock_key)  # as if `late` ran past its lock's expiry
    later = store.open("order-4", PHONE)
    assert late.locked and later.locked and late.owner != later.owner

    assert store.save("order-4", PHONE, record("late"), None, late.owner) is False
    store.release("order-4", PHONE, late.owner)
    assert redis_client.get(lock_key) == later.owner.encode(), "the later hop's lock must survive"

    assert store.save("order-4", PHONE, record("later"), None, later.owner) is True
    assert redis_client.exists(lock_key) == 0


def test_release_frees_only_its_own_lock(redis_client: redis.Redis) -> None:
    store = SessionStore(redis_client, ttl_s=300, resume_window_s=180, lock_s=10)
    opened = store.open("order-5", PHONE)
    store.release("order-5", PHONE, "someone-else")
    assert store.open("order-5", PHONE).locked is False
    store.release("order-5", PHONE, opened.owner)
    assert store.open("order-5", PHONE).locked is True


def test_a_late_copy_of_an_older_hop_is_answered_from_the_store_not_run_again(app: Flask) -> None:
    with app.test_client() as client:
        phone = AfricasTalkingPhone(client, PHONE, "order-6")
        phone.dial()
        phone.send("2")
        confirm = phone.send("1500000")
        assert confirm.startswith("CON Pinjam Rp1.500.000?")
        assert phone.post("2") == (200, confirm), "the older hop's input must not run on the newer screen"
        assert phone.send("1") == "END Selesai"
