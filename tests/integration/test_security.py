"""Only the account holder gets in: the tests a security officer can point at (issue 9).

- a number the branch registered cannot set a PIN without the branch's activation code;
- SMS commands that show money or personal loan data, or move money, are refused until the customer
  switches SMS banking on over USSD with the PIN, and again after inactivity or a change of number;
- a locked customer cannot unlock without a new code from the branch;
- after a full walk, no PIN, one-time code or activation code is anywhere in the captured log records,
  the Redis database or any table, and phone numbers appear unmasked only where they must (listed in
  `PHONE_COLUMNS` and `PHONE_KEYED_REDIS`).

Every test runs through the real HTTP endpoints, Redis and database, on SQLite and PostgreSQL.
The sandbox, production-mode and outbox-redaction tests are in test_security_sms.py.
"""

from __future__ import annotations

import logging
import re
import secrets
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy import Engine, MetaData, select

from gateway.banking.demo import DAIRY, PATCHOULI, SEAWEED, UNREGISTERED, seed
from gateway.banking.interface import Bank, PinOutcome
from gateway.banking.ledger import SqlBank
from gateway.i18n import load_catalog
from gateway.sms.keywords import load_keywords
from gateway.storage.migrate import upgrade
from handlers import REGISTRY
from tests.banking_fixtures import FAST_HASHER, NOW, db_engine, pg_engine, sqlite_engine
from tests.conftest import ROOT
from tests.fakes.twilio_server import FakeTwilio
from tests.sms_support import Clock, SmsPhone, SmsWorld, fake_twilio, make_world, worker_context_reset
from tests.ussd_support import AfricasTalkingPhone, JsonPhone

PEPPER = "security-test-pepper-kept-outside-the-db"
REAL_MENUS = {"menus_dir": ROOT / "menus", "locales_dir": ROOT / "locales", "handlers_module": "handlers"}
PHONE_COLUMNS = {
    ("customers", "msisdn"),
    ("sms_outbox", "to_msisdn"),
    ("sms_inbound", "from_msisdn"),
    ("sms_preferences", "msisdn"),
    ("loan_cases", "msisdn"),
    ("loan_consents", "msisdn"),
    ("complaints", "msisdn"),
}
"""The only columns that hold a phone number in clear: whom the bank serves and whom it texts (the decision
and complaint records keep the number the customer used, which a later number change leaves as it was)."""
PHONE_KEYED_REDIS = re.compile(r"^jmb:\{\+\d+\}:")
"""Per-caller Redis keys (sessions, resume copy, language, SMS codes) carry the number in their name,
the hash tag that keeps one caller's keys together; their values must not."""
KEYWORDS = load_keywords(ROOT / "menus" / "sms.yaml")
BANK_KEYWORDS = [k for k in KEYWORDS.keywords if not k.handler.startswith("sms.") and not k.open_to_all]


def _text(key: str, lang: str = "id") -> str:
    catalog, problems = load_catalog(ROOT / "locales")
    assert problems == []
    return catalog.render(lang, key, {})


SMS_GATE = _text("access.sms_gate")


@dataclass
class Secrets:
    """Everything typed or issued during a test that must never be stored or logged in clear."""

    values: set[str] = field(default_factory=set)

    def add(self, *values: str) -> str:
        self.values.update(values)
        return values[0]


@pytest.fixture
def bank(db_engine: Engine) -> SqlBank:
    upgrade(db_engine)
    return seed(SqlBank(db_engine, hasher=FAST_HASHER, pepper=PEPPER), NOW)


@pytest.fixture
def world(
    bank: SqlBank,
    db_engine: Engine,
    redis_client: redis.Redis,
    fake_twilio: FakeTwilio,
    worker_context_reset: None,
) -> SmsWorld:
    """The whole app (USSD and SMS) on the real menus, sending SMS through a fake Twilio as in production."""
    return make_world(db_engine, redis_client, Clock(NOW), REGISTRY, bank=bank, fake=fake_twilio, **REAL_MENUS)


RESUME_PROMPT, START_ANEW = "CON " + _text("engine.resume").split("\n")[0], "2"


def walk(world: SmsWorld, phone: str, *entries: str) -> list[str]:
    """One USSD session: dial, then each entry; the screens seen."""
    ussd = JsonPhone(world.client, phone, "sec-" + secrets.token_hex(6))
    first = ussd.dial()
    if first.startswith(RESUME_PROMPT):
        first = ussd.send(START_ANEW)
    return [first, *(ussd.send(entry) for entry in entries)]


def switch_sms_banking_on(world: SmsWorld, phone: str, pin: str) -> str:
    """Main menu 4 (Settings), 2 (SMS banking), the PIN, 1 (Switch on): the last screen."""
    return walk(world, phone, "4", "2", pin, "1")[-1]


# --- 1. a first PIN needs the branch's code -------------------------------------------------------
def test_an_unactivated_number_cannot_set_a_pin(world: SmsWorld, bank: SqlBank) -> None:
    screens = walk(world, UNREGISTERED.msisdn, "1", "1", "50718342")
    assert screens[-1].startswith("END Belum ada kode aktivasi"), screens[-1]
    assert bank.activate_pin(UNREGISTERED.msisdn, "480213", NOW).outcome is PinOutcome.NOT_ACTIVATED
    customer = bank.customer_by_msisdn(UNREGISTERED.msisdn)
    assert customer is not None and not customer.registered
    # What handlers can reach (the Bank protocol) has no way to set a PIN or lift a lock without a code.
    assert not hasattr(Bank, "register_pin") and not hasattr(Bank, "unlock")


def test_a_code_is_bound_to_its_number_and_expires(world: SmsWorld, bank: SqlBank) -> None:
    code = bank.issue_activation(UNREGISTERED.msisdn, NOW - timedelta(days=7, seconds=1))
    assert code is not None
    assert walk(world, UNREGISTERED.msisdn, "1", "1", code)[-1].startswith("END Kode aktivasi sudah tidak berlaku")
    fresh = bank.issue_activation(UNREGISTERED.msisdn, NOW)
    assert fresh is not None
    assert bank.redeem_activation(PATCHOULI.msisdn, fresh, NOW).outcome.value == "none", "another number's code"
    assert bank.redeem_activation(UNREGISTERED.msisdn, fresh, NOW).outcome.value == "ok"


# --- 2. SMS banking is opt-in, behind the PIN -----------------------------------------------------
def test_sms_money_commands_are_refused_until_enabled(world: SmsWorld, bank: SqlBank) -> None:
    assert {k.word for k in BANK_KEYWORDS} == {"SALDO", "TRANSAKSI", "PINJAMAN", "JADWAL", "BAYAR", "PINJAM", "BATAL"}
    examples = {"BAYAR": "BAYAR 582083", "PINJAM": "PINJAM 2000000 6"}
    phone = SmsPhone(world, DAIRY.msisdn)
    before = bank.savings_balance(DAIRY.msisdn)
    for keyword in BANK_KEYWORDS:
        assert phone.send(examples.get(keyword.word, keyword.word)) == SMS_GATE, keyword.word
    assert all(row.purpose != "auth_code" for row in world.outbox_rows()), "no code for a refused command"
    assert bank.savings_balance(DAIRY.msisdn) == before
    assert bank.my_loans(DAIRY.msisdn).applications == ()

    assert switch_sms_banking_on(world, DAIRY.msisdn, DAIRY.pin or "").startswith("END SMS banking aktif")
    for command in ("SALDO", *examples.values()):
        reply = phone.send(command) or ""
        assert re.search(r"\b\d{6}\b", reply) and "kode" in reply.lower(), f"{command} keeps the one-time code: {reply}"
    assert bank.savings_balance(DAIRY.msisdn) == before and bank.my_loans(DAIRY.msisdn).applications == ()


def test_sms_banking_switches_itself_off(world: SmsWorld, bank: SqlBank) -> None:
    phone = SmsPhone(world, DAIRY.msisdn)
    bank.set_sms_banking(DAIRY.msisdn, True, NOW)
    world.clock.advance(days=89)
    assert phone.send("JADWAL") != SMS_GATE
    world.clock.advance(days=89)  # the JADWAL above counted as use
    assert phone.send("JADWAL") != SMS_GATE
    world.clock.advance(days=90)
    assert phone.send("JADWAL") == SMS_GATE
    assert not bank.sms_banking(DAIRY.msisdn, world.clock.now)


def test_a_new_number_and_a_lock_out_switch_sms_banking_off(world: SmsWorld, bank: SqlBank) -> None:
    bank.set_sms_banking(DAIRY.msisdn, True, NOW)
    new_number = "+6281220159999"
    assert bank.change_msisdn(DAIRY.msisdn, new_number)
    assert SmsPhone(world, new_number).send("JADWAL") == SMS_GATE
    with pytest.raises(ValueError):
        bank.change_msisdn(new_number, SEAWEED.msisdn)
    bank.set_sms_banking(SEAWEED.msisdn, True, NOW)
    walk(world, SEAWEED.msisdn, "1", "1", "000111", "000112", "000113")
    assert not bank.sms_banking(SEAWEED.msisdn, NOW)


def test_the_refusal_fits_one_gsm7_sms_in_every_language() -> None:
    from gateway.gsm7 import septets, to_gsm7

    for lang in ("id", "en"):
        text = _text("access.sms_gate", lang)
        assert to_gsm7(text, "?") == text and septets(text) <= 160 and "*123#" in text, lang


# --- 3. a lock-out ends only with a new code -------------------------------------------------------
def test_a_locked_customer_cannot_unlock_without_a_code(world: SmsWorld, bank: SqlBank) -> None:
    phone, pin = PATCHOULI.msisdn, PATCHOULI.pin or ""
    screens = walk(world, phone, "1", "1", "000111", "000112", "000113")
    assert screens[-1].startswith("END PIN Anda terkunci"), screens[-1]
    assert bank.verify_pin(phone, pin).outcome is PinOutcome.LOCKED
    guessed = walk(world, phone, "1", "12345678")
    assert guessed[0].startswith("CON PIN Anda terkunci") and guessed[-1].startswith("END Belum ada kode")
    assert bank.activate_pin(phone, "271828", NOW).outcome is PinOutcome.NOT_ACTIVATED
    assert bank.verify_pin(phone, pin).outcome is PinOutcome.LOCKED

    code = bank.issue_activation(phone, NOW)  # what `jembatan pin unlock` does
    assert code is not None and bank.verify_pin(phone, pin).outcome is PinOutcome.LOCKED, "a code alone unlocks nothing"
    done = walk(world, phone, "1", code, "271828", "271828")
    assert done[-1].startswith("CON PIN berhasil dibuat"), done[-1]
    assert bank.verify_pin(phone, "271828").outcome is PinOutcome.OK
    assert bank.verify_pin(phone, pin).outcome is PinOutcome.WRONG, "the old PIN is gone"


def test_pin_unlock_command_prints_a_code_and_leaves_the_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from gateway.cli import main

    url = f"sqlite:///{tmp_path / 'bank.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("PIN_PEPPER", PEPPER)
    assert main(["demo", "seed"]) == 0
    seeded = capsys.readouterr().out
    maria_code = re.search(r"activation code is (\d{8})", seeded)
    assert maria_code is not None
    assert main(["pin", "unlock", PATCHOULI.msisdn]) == 1, "not locked: nothing to do"
    from gateway.storage.db import make_engine

    engine = make_engine(url)
    try:
        bank = SqlBank(engine, hasher=FAST_HASHER, pepper=PEPPER)
        for wrong in ("000111", "000112", "000113"):
            bank.verify_pin(PATCHOULI.msisdn, wrong)
        capsys.readouterr()
        assert main(["pin", "unlock", PATCHOULI.msisdn]) == 0
        printed = re.search(r": (\d{8})\n", capsys.readouterr().out)
        assert printed is not None
        assert bank.verify_pin(PATCHOULI.msisdn, PATCHOULI.pin or "").outcome is PinOutcome.LOCKED
        assert bank.redeem_activation(PATCHOULI.msisdn, printed.group(1), NOW).outcome.value == "ok"
        assert bank.redeem_activation(UNREGISTERED.msisdn, maria_code.group(1), NOW).outcome.value == "ok"
        for code in (printed.group(1), maria_code.group(1)):
            assert all(code not in value for value in _table_values(engine)), "codes are never stored"

        assert main(["customers", "activate", DAIRY.msisdn]) == 1, "a customer with a PIN needs --reset"
        assert bank.verify_pin(DAIRY.msisdn, DAIRY.pin or "").outcome is PinOutcome.OK
        capsys.readouterr()
        assert main(["customers", "activate", "--reset", DAIRY.msisdn]) == 0
        reset = re.search(r": (\d{8})\n", capsys.readouterr().out)
        assert reset is not None
        assert bank.verify_pin(DAIRY.msisdn, DAIRY.pin or "").outcome is PinOutcome.LOCKED, "the old PIN is gone"
        assert bank.redeem_activation(DAIRY.msisdn, reset.group(1), NOW).outcome.value == "ok"
    finally:
        engine.dispose()


# --- 4. nothing secret at rest or in logs after a full walk ---------------------------------------
def _table_values(engine: Engine) -> Iterator[str]:
    for _table, _column, value in _cells(engine):
        yield str(value)


def _cells(engine: Engine) -> Iterator[tuple[str, str, object]]:
    metadata = MetaData()
    metadata.reflect(engine)
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(select(table)):
                for column, value in row._mapping.items():
                    if value is not None:
                        yield table.name, str(column), value


def _redis_texts(client: redis.Redis) -> Iterator[tuple[str, str]]:
    """(key, text) for every key name and value in the run's Redis database, RQ's compressed job data
    decompressed."""
    for raw_key in client.scan_iter(count=500):
        key = raw_key.decode(errors="replace")
        kind = client.type(raw_key).decode()
        values: list[Any] = []
        if kind == "string":
            values = [client.get(raw_key) or b""]
        elif kind == "hash":
            values = [v for pair in client.hgetall(raw_key).items() for v in pair]
        elif kind == "list":
            values = client.lrange(raw_key, 0, -1)
        elif kind in ("set", "zset"):
            values = list(client.smembers(raw_key)) if kind == "set" else client.zrange(raw_key, 0, -1)
        yield key, ""
        for value in values:
            yield key, _inflated(bytes(value)).decode(errors="replace")


def _inflated(value: bytes) -> bytes:
    try:
        return zlib.decompress(value)
    except zlib.error:
        return value


def _phone_forms(msisdn: str) -> set[str]:
    national = msisdn.removeprefix("+62")
    return {msisdn, msisdn.lstrip("+"), "0" + national}


def full_walk(world: SmsWorld, bank: SqlBank) -> tuple[Secrets, set[str]]:
    """Register with a code, PINs, balance, loan, repay, SMS commands, activation and unlock."""
    secret = Secrets()
    secret.add(DAIRY.pin or "", SEAWEED.pin or "", PATCHOULI.pin or "", "730519", "730518")
    maria_pin = secret.add("246813")
    code = secret.add(bank.issue_activation(UNREGISTERED.msisdn, NOW) or "")
    # Africa's Talking sends the whole session's input joined by '*': the code and PINs ride in every `text`.
    at_phone = AfricasTalkingPhone(world.client, UNREGISTERED.msisdn, "sec-at-" + secrets.token_hex(6))
    screens = [at_phone.dial(), *(at_phone.send(e) for e in ("1", "1", "87654321", code, maria_pin, maria_pin))]
    assert screens[-1].startswith("CON PIN berhasil dibuat"), screens[-1]
    walk(world, UNREGISTERED.msisdn, "1", "1", maria_pin)  # savings, balance
    applied = walk(  # a harvest loan: product, tenor (4 harvests), amount, purpose, consent, disclosure pages
        world, UNREGISTERED.msisdn, "2", "1", "1", "2", "3000000", "bibit", "1", "1", "1", "99", "1", "1", maria_pin
    )
    assert "PJ" in applied[-1], applied[-1]  # a loan application's reference
    walk(world, DAIRY.msisdn, "3", "730519", DAIRY.pin or "", "1", DAIRY.pin or "")  # repay, a wrong PIN first
    switch_sms_banking_on(world, DAIRY.msisdn, DAIRY.pin or "")
    phone = SmsPhone(world, DAIRY.msisdn)
    for command in ("SALDO", "MUTASI", "PINJAMAN", "BAYAR 582083"):
        reply = phone.send(command) or ""
        sms_code = re.search(r"Kode (\d{6})", reply)
        assert sms_code is not None, reply
        secret.add(sms_code.group(1))
        phone.send(f"{command} {sms_code.group(1)}")
    phone.send("JADWAL")
    phone.send("BAHASA EN")
    SmsPhone(world, UNREGISTERED.msisdn).send("SALDO")
    walk(world, PATCHOULI.msisdn, "1", "1", "730519", "730518", "730517")  # locked
    secret.add("730517")
    unlock = secret.add(bank.issue_activation(PATCHOULI.msisdn, NOW) or "")
    new_pin = secret.add("271828")
    walk(world, PATCHOULI.msisdn, "1", unlock, new_pin, new_pin)
    world.work()  # the outbox sends (sandbox provider)
    numbers = set().union(*(_phone_forms(c.msisdn) for c in (DAIRY, SEAWEED, PATCHOULI, UNREGISTERED)))
    return secret, numbers


def test_no_secret_and_no_unmasked_number_in_logs_redis_or_tables(
    world: SmsWorld,
    bank: SqlBank,
    db_engine: Engine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    secret, numbers = full_walk(world, bank)
    assert bank.verify_pin(PATCHOULI.msisdn, "271828").outcome is PinOutcome.OK, "the walk reached its end"
    assert len(secret.values) >= 14 and caplog.records, "4 SMS codes, 2 activation codes, the PINs typed"
    found: list[str] = []
    phone_cells: set[tuple[str, str]] = set()

    for record in caplog.records:
        line = record.getMessage() + (
            caplog.handler.formatter.formatException(record.exc_info)
            if record.exc_info and caplog.handler.formatter
            else ""
        )
        found += [f"log {record.name}: {line!r}" for value in secret.values | numbers if value in line]

    redis_keys = {key for key, _text in _redis_texts(world.redis)}
    assert any(PHONE_KEYED_REDIS.match(key) for key in redis_keys), "the scan sees the sessions"
    for key, text in _redis_texts(world.redis):
        found += [f"redis {key}: a secret" for value in secret.values if value in key or value in text]
        if not PHONE_KEYED_REDIS.match(key):
            found += [f"redis key {key}: a phone number" for value in numbers if value in key]
        found += [f"redis {key}: a phone number in a value" for value in numbers if value in text]

    for table, column, value in _cells(db_engine):
        text = str(value)
        found += [f"table {table}.{column}: a secret" for s in secret.values if s in text]
        if any(n in text for n in numbers):
            phone_cells.add((table, column))
    found += [f"table {table}.{column}: a phone number" for table, column in sorted(phone_cells - PHONE_COLUMNS)]
    assert ("customers", "msisdn") in phone_cells and ("sms_inbound", "from_msisdn") in phone_cells, "the scan sees"

    assert found == [], "\n".join(found)
