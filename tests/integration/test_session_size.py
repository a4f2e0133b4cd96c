"""Redis per live session stays small: the session key plus the caller's resume copy, at every hop of the
demo journeys (balance, a loan application up to its summary, a repayment up to its confirmation)."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis

from gateway import redis_keys
from gateway.phones import normalize_msisdn
from gateway.transcripts import Transcript
from tests.transcript_support import TRANSCRIPTS, demo_app, screen_pattern, typed_input
from tests.ussd_support import AfricasTalkingPhone, JsonPhone

MAX_SESSION_BYTES = 600
"""STRLEN of the session key plus STRLEN of the resume key, for one caller (issue 10)."""
JOURNEYS = ("balance", "loan_application", "repay")  # the loan walk goes past its summary to the PIN


def session_bytes(client: redis.Redis, phone: str, session_id: str) -> int:
    keys = (redis_keys.session(phone, session_id), redis_keys.resume(phone))
    return sum(int(client.strlen(key)) for key in keys)


def walk_sizes(app_path: Path, name: str, adapter: type[AfricasTalkingPhone | JsonPhone]) -> list[int]:
    transcript = Transcript.read(TRANSCRIPTS / f"{name}.yaml")
    app = demo_app(app_path, transcript.setup)
    client: redis.Redis = app.extensions["jembatan"].redis
    phone = adapter(app.test_client(), transcript.phone, f"size-{name}")
    sizes = []
    for index, turn in enumerate(transcript.turns):
        screen = phone.dial() if index == 0 else phone.send(typed_input(turn.input, transcript.phone))
        assert screen_pattern(f"{'END' if turn.end else 'CON'} {turn.screen}").match(screen), screen
        sizes.append(session_bytes(client, normalize_msisdn(transcript.phone), phone.session_id))
    return sizes


@pytest.mark.parametrize("adapter", [AfricasTalkingPhone, JsonPhone])
@pytest.mark.parametrize("name", JOURNEYS)
def test_a_live_session_and_its_resume_copy_stay_under_600_bytes(
    name: str, adapter: type[AfricasTalkingPhone | JsonPhone], tmp_path: Path, redis_client: redis.Redis
) -> None:
    sizes = walk_sizes(tmp_path / "bank.db", name, adapter)
    print(f"{name} via {adapter.__name__}: session+resume bytes per hop {sizes}, max {max(sizes)}")
    assert len(sizes) > 3 and min(sizes) > 0
    assert max(sizes) <= MAX_SESSION_BYTES, sizes
