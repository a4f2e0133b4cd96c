"""Golden conversations (tests/transcripts/ussd/*.yaml), each through both USSD adapters over HTTP."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis

from gateway.transcripts import Transcript
from tests.transcript_support import demo_app, replay, transcript_files


@pytest.mark.parametrize("adapter", ["africastalking", "json"])
@pytest.mark.parametrize("path", transcript_files(), ids=lambda p: p.stem)
def test_transcript(path: Path, adapter: str, tmp_path: Path, redis_client: redis.Redis) -> None:
    transcript = Transcript.read(path)
    app = demo_app(tmp_path / "bank.db", transcript.setup)
    differences = replay(app, transcript, adapter, f"golden-{path.stem}")
    assert differences == [], "\n\n".join(f"after {i!r}\nexpected:\n{e}\ngot:\n{g}" for i, e, g in differences)


def test_there_is_a_transcript_for_every_journey() -> None:
    names = {p.stem for p in transcript_files()}
    needed = {
        "balance",
        "statement",
        "register",
        "pin_change",
        "loan_application",
        "my_loans",
        "repay",
        "repay_insufficient",
        "pin_lockout",
        "back_and_home",
        "language_en",
        "invalid_input",
        "help",
        "not_customer",
        "pagination",
    }
    needed |= {
        "resume_after_pin",
        "paging_errors_loan",
        "paging_errors_repay",
        "paging_errors_statement",
        "paging_errors_long_name",
    }
    assert needed <= names, sorted(needed - names)
