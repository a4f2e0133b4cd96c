"""SMS transcripts: every keyword through the signed Twilio webhook, with the real handlers and the demo
bank, compared reply by reply with tests/transcripts/sms/*.yaml.

    turns:
      - send: SALDO
        reply: "Kode {code} untuk SALDO, ..."   # {code} captures the one-time code; {*} matches anything
      - send: "SALDO {code}"                    # ... and later turns send it back
        reply: "Saldo rekening ..."
      - send: "+6285239140202: STOP"            # another sender for one turn (a number, a colon)
        reply: null                             # no reply at all

`sms_banking: [number, ...]` switches SMS banking on for those customers first (as they would over USSD);
`days_later: N` then sends the turns N days after the demo's seeding (instalments overdue, late fees).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
import yaml
from sqlalchemy import Engine

from gateway.banking.ledger import SqlBank
from handlers import REGISTRY
from tests.banking_fixtures import NOW, bank, db_engine, demo_bank, pg_engine, sqlite_engine
from tests.sms_support import Clock, SmsPhone, SmsWorld, make_world, worker_context_reset

FOLDER = Path(__file__).resolve().parents[1] / "transcripts" / "sms"
FILES = sorted(FOLDER.glob("*.yaml"))
CODE = re.compile(r"\d{6}")
OTHER_SENDER = re.compile(r"^(\+\d{8,15}): (.*)$", re.DOTALL)


@dataclass(frozen=True)
class SmsTurn:
    send: str
    reply: str | None


def sms_banking_on(path: Path) -> list[str]:
    """`sms_banking: [number, ...]`: customers who switched SMS banking on (over USSD) before the first turn."""
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [str(number) for number in data.get("sms_banking") or []]


def read(path: Path) -> tuple[str, list[SmsTurn]]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    turns = [SmsTurn(str(t["send"] or ""), None if t["reply"] is None else str(t["reply"])) for t in data["turns"]]
    return str(data["phone"]), turns


def expect(expected: str | None, got: str | None, found: dict[str, str], where: str) -> None:
    if expected is None or got is None:
        assert got == expected, where
        return
    pattern = (
        re.escape(expected)
        .replace(re.escape("{code}"), r"(?P<code>\d{6})", 1)
        .replace(re.escape("{code}"), r"(?P=code)")
        .replace(re.escape("{*}"), ".+?")
    )
    matched = re.fullmatch(pattern, got)
    assert matched is not None, f"{where}\n  expected: {expected}\n  got:      {got}"
    found.update({k: v for k, v in matched.groupdict().items() if v})


@pytest.fixture
def world(
    demo_bank: SqlBank,
    db_engine: Engine,
    redis_client: redis.Redis,
    worker_context_reset: None,
) -> SmsWorld:
    return make_world(db_engine, redis_client, Clock(NOW), REGISTRY, bank=demo_bank)


def test_every_keyword_has_a_transcript() -> None:
    from gateway.sms.keywords import load_keywords

    book = load_keywords(Path(__file__).resolve().parents[2] / "menus" / "sms.yaml")
    sent = " ".join(turn.send.upper() for path in FILES for turn in read(path)[1])
    missing = [k.name for k in book.keywords if not re.search(rf"\b{k.word}\b", sent)]
    assert missing == [], f"write a transcript for {missing}"


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_transcript(world: SmsWorld, demo_bank: SqlBank, path: Path) -> None:
    phone_number, turns = read(path)
    for customer in sms_banking_on(path):
        assert demo_bank.set_sms_banking(customer, True, NOW), customer
    world.clock.advance(days=int(yaml.safe_load(path.read_text(encoding="utf-8")).get("days_later", 0)))
    found: dict[str, str] = {}
    for number, turn in enumerate(turns, 1):
        body, sender = turn.send.replace("{code}", found.get("code", "{code}")), phone_number
        other = OTHER_SENDER.match(body)
        if other:
            sender, body = other.group(1), other.group(2)
        got = SmsPhone(world, sender).send(body)
        expect(turn.reply, got, found, f"{path.name} turn {number}: {body!r}")
