"""`jembatan simulate` walks the menus in a terminal through the real engine and can record the walk.

It finds Redis as `make run` does, keeps its language choice to itself, and never writes a PIN.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from gateway import devservices, simulator
from gateway.banking.demo import DAIRY
from gateway.banking.ledger import SqlBank
from gateway.cli import main
from gateway.sessions import SessionStore
from gateway.storage.db import make_engine
from gateway.transcripts import Transcript
from tests.conftest import FIXTURES, ROOT, redis_test_url
from tests.fixtures.basic.handlers import GOOD_PIN
from tests.transcript_support import demo_app, replay

WRONG = "111111"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def basic_menus(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name, value in {
        "MENUS_DIR": FIXTURES / "basic" / "menus",
        "LOCALES_DIR": FIXTURES / "basic" / "locales",
        "HANDLERS_MODULE": "tests.fixtures.basic.handlers",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'bank.db'}",
        "REDIS_URL": redis_test_url(),
    }.items():
        monkeypatch.setenv(name, str(value))


class Keyboard:
    """What the person at the terminal types; PINs must come through the no-echo prompt."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, *entries: str, secret: tuple[str, ...] = ()) -> None:
        self.entries, self.secret = iter(entries), iter(secret)
        self.hidden: list[str] = []
        monkeypatch.setattr("builtins.input", lambda prompt="": next(self.entries))
        monkeypatch.setattr("getpass.getpass", self.getpass)

    def getpass(self, prompt: str = "") -> str:
        value = next(self.secret)
        self.hidden.append(value)
        return value


def bank_language(tmp_path: Path, phone: str) -> str | None:
    """The language the bank keeps (the simulator's SQLite, seeded with the demo customers)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'bank.db'}")
    try:
        return SqlBank(engine).customer_language(phone)
    finally:
        engine.dispose()


def store(client: redis.Redis) -> SessionStore:
    return SessionStore(client, 300, 180, 10)


@pytest.mark.usefixtures("basic_menus")
def test_simulate_records_a_walk_that_replays_as_a_transcript(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, redis_client: redis.Redis
) -> None:
    Keyboard(monkeypatch, "2", "2jt", "1")
    record = tmp_path / "walk.yaml"
    assert main(["simulate", "--phone", "081234567890", "--record", str(record), "--name", "loan walk"]) == 0
    transcript = Transcript.read(record)
    assert transcript.phone == "+6281234567890"
    assert [turn.input for turn in transcript.turns] == ["", "2", "2jt", "1"]
    assert transcript.turns[2].screen == "Pinjam Rp2.000.000?\n1. Ya\n0 Kembali 00 Menu"
    assert transcript.turns[-1].screen == "Selesai" and transcript.turns[-1].end


@pytest.mark.usefixtures("basic_menus")
def test_the_simulator_language_is_the_walks_own_not_the_customers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, redis_client: redis.Redis
) -> None:
    Keyboard(monkeypatch, "2", "2jt", "1")
    record = tmp_path / "walk.yaml"
    assert main(["simulate", "--phone", DAIRY.msisdn, "--lang", "en", "--record", str(record)]) == 0
    transcript = Transcript.read(record)
    assert transcript.lang == "en" and transcript.turns[-1].screen == "Done"
    assert store(redis_client).language(DAIRY.msisdn) is None
    assert bank_language(tmp_path, DAIRY.msisdn) == "id"  # what SMS and reminders use

    store(redis_client).remember_language(DAIRY.msisdn, "id")
    Keyboard(monkeypatch, "q")
    assert main(["simulate", "--phone", DAIRY.msisdn, "--lang", "en", "--record", str(record)]) == 0
    assert Transcript.read(record).turns[0].screen.startswith("Test menu")  # over the remembered "id"
    assert store(redis_client).language(DAIRY.msisdn) == "id" and bank_language(tmp_path, DAIRY.msisdn) == "id"


@pytest.mark.usefixtures("basic_menus")
def test_a_language_chosen_on_the_walk_is_remembered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, redis_client: redis.Redis
) -> None:
    Keyboard(monkeypatch, "4", "2", "q")
    assert main(["simulate", "--phone", DAIRY.msisdn, "--lang", "id"]) == 0
    assert store(redis_client).language(DAIRY.msisdn) == "en" and bank_language(tmp_path, DAIRY.msisdn) == "en"


@pytest.mark.usefixtures("basic_menus")
def test_pins_are_read_without_echo_and_recorded_as_placeholders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, redis_client: redis.Redis
) -> None:
    keyboard = Keyboard(monkeypatch, "1", "1", secret=("0", WRONG, GOOD_PIN))
    record = tmp_path / "walk.yaml"
    assert main(["simulate", "--phone", "081234567890", "--record", str(record)]) == 0
    assert keyboard.hidden == ["0", WRONG, GOOD_PIN]
    written = record.read_text(encoding="utf-8")
    assert GOOD_PIN not in written and WRONG not in written
    transcript = Transcript.read(record)
    assert [turn.input for turn in transcript.turns] == ["", "1", "0", "1", "<WRONG_PIN>", "<PIN>"]
    assert transcript.turns[-1].end and "Rp1.500.000" in transcript.turns[-1].screen


def test_a_recorded_walk_with_pins_replays_on_the_demo_bank(tmp_path: Path, redis_client: redis.Redis) -> None:
    recording = demo_app(tmp_path / "recorded.db").extensions["jembatan"]
    walker = simulator.walker_for(recording, DAIRY.msisdn, None)
    transcript = Transcript(name="balance", phone=DAIRY.msisdn)
    typed, hidden = iter(["1", "1", "2"]), iter([f"{(int(str(DAIRY.pin)) + 1) % 1_000_000:06d}", str(DAIRY.pin)])
    simulator.walk(walker, transcript, lambda _: next(typed, "q"), lambda _: next(hidden), lambda _: None)
    assert [turn.input for turn in transcript.turns] == ["", "1", "1", "<WRONG_PIN>", "<PIN>", "2"]
    assert transcript.turns[-1].end and str(DAIRY.pin) not in transcript.to_yaml()
    assert list(redis_client.scan_iter(match="jmb:{*}:funnel")) == [], "a simulated walk is no caller"
    redis_client.flushdb()
    record = tmp_path / "balance.yaml"
    record.write_text(transcript.to_yaml(), encoding="utf-8")
    assert replay(demo_app(tmp_path / "replayed.db"), Transcript.read(record), "africastalking", "replay-1") == []


@pytest.fixture
def no_local_redis(tmp_path: Path) -> Iterator[dict[str, str]]:
    """REDIS_URL unset and nothing on the probed port or the embedded port: a laptop without Redis."""
    env = {
        "DEV_REDIS_PROBE": f"127.0.0.1:{free_port()}",
        "DEV_REDIS_PORT": str(free_port()),
        "DEV_RUN_DIR": str(tmp_path / "run"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'instance' / 'bank.db'}",
    }
    yield env
    devservices_port = int(env["DEV_REDIS_PORT"])
    assert not devservices.answers("127.0.0.1", devservices_port), "the embedded Redis was left running"


def run_simulate(env: dict[str, str], stdin: str, *args: str) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k != "REDIS_URL"} | env
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", "simulate", *args],
        input=stdin,
        env=full,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_any_redis_simulate_starts_the_embedded_one_and_stops_it(no_local_redis: dict[str, str]) -> None:
    done = run_simulate(no_local_redis, "q\n")  # as the demo customer Ibu Euis, by default
    assert done.returncode == 0, done.stderr
    assert "embedded Redis" in done.stderr and "Traceback" not in done.stderr + done.stdout
    assert "Selamat datang. Pilih layanan:" in done.stdout


def test_when_no_redis_can_be_had_simulate_says_what_to_start(no_local_redis: dict[str, str]) -> None:
    with socket.socket() as squatter:  # something that is not Redis holds the embedded port
        squatter.bind(("127.0.0.1", int(no_local_redis["DEV_REDIS_PORT"])))
        squatter.listen()
        done = run_simulate(no_local_redis, "q\n")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "start a Redis on 127.0.0.1:6379, or set REDIS_URL" in done.stderr.strip().splitlines()[-1]


def test_an_unreachable_configured_redis_is_one_line_not_a_traceback(no_local_redis: dict[str, str]) -> None:
    done = run_simulate(no_local_redis | {"REDIS_URL": f"redis://127.0.0.1:{free_port()}/0"}, "q\n")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "cannot reach Redis" in done.stderr
