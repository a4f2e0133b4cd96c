"""`jembatan simulate --record` walks the menus in a terminal and saves the walk as a golden transcript."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis

from gateway.cli import main
from gateway.transcripts import Transcript
from tests.conftest import FIXTURES, redis_test_url


def test_simulate_records_a_walk_that_replays_as_a_transcript(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                              redis_client: redis.Redis) -> None:
    for name, value in {"MENUS_DIR": FIXTURES / "basic" / "menus", "LOCALES_DIR": FIXTURES / "basic" / "locales",
                        "HANDLERS_MODULE": "tests.fixtures.basic.handlers", "DATABASE_URL": "sqlite://",
                        "REDIS_URL": redis_test_url()}.items():
        monkeypatch.setenv(name, str(value))
    typed = iter(["2", "2jt", "1"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(typed))
    record = tmp_path / "walk.yaml"
    assert main(["simulate", "--phone", "081234567890", "--record", str(record), "--name", "loan walk"]) == 0
    transcript = Transcript.read(record)
    assert transcript.phone == "+6281234567890"
    assert [turn.input for turn in transcript.turns] == ["", "2", "2jt", "1"]
    assert transcript.turns[2].screen == "Pinjam Rp2.000.000?\n1. Ya\n0 Kembali 00 Menu"
    assert transcript.turns[-1].screen == "Selesai" and transcript.turns[-1].end
