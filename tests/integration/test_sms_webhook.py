"""The SMS endpoints over HTTP: signed Twilio webhooks, bad input, opt-out, language, status callbacks,
the aggregator and the sandbox. Banking keywords use a small registry of their own here; the real
handlers run in test_sms_transcripts."""

from __future__ import annotations

import re
from datetime import date

import pytest
import redis
from sqlalchemy import Engine, func, select
from twilio.request_validator import RequestValidator
from werkzeug.test import TestResponse

from gateway import redis_keys
from gateway.banking.ledger import SqlBank
from gateway.engine.api import Call, Handler, Result
from gateway.money import Money
from gateway.sms.outbox import is_opted_out
from gateway.storage.sms_tables import InboundMessageRow
from tests.banking_fixtures import FAST_HASHER, db_engine, pg_engine, sqlite_engine
from tests.fakes.twilio_server import FakeTwilio
from tests.sms_support import (
    AGGREGATOR_SECRET,
    CUSTOMER,
    PUBLIC_URL,
    Clock,
    SmsPhone,
    SmsWorld,
    clock,
    fake_twilio,
    make_world,
    worker_context_reset,
)

STRANGER = "+6281399998888"
ABROAD = "+14155550123"


def balance(call: Call) -> Result:
    return Result(
        "ok",
        {"balance": Money(1_500_000), "account": "****7890", "date": date(2025, 12, 5), "seen_vars": dict(call.vars)},
    )


def broken(call: Call) -> Result:
    raise RuntimeError("core banking fell over")


REGISTRY: dict[str, Handler] = {"savings.balance": balance, "loans.schedule": broken}


@pytest.fixture
def world(
    db_engine: Engine,
    redis_client: redis.Redis,
    clock: Clock,
    fake_twilio: FakeTwilio,
    worker_context_reset: None,
) -> SmsWorld:
    world = make_world(
        db_engine, redis_client, clock, REGISTRY, bank=SqlBank(db_engine, hasher=FAST_HASHER), fake=fake_twilio
    )
    bank = world.channel.inbox.dispatcher.services.bank
    bank.add_customer(CUSTOMER, "Ibu Siti", "Asia/Jakarta", "id", clock())
    bank.set_sms_banking(CUSTOMER, True, clock())  # switched on over USSD with the PIN (test_ledger_access)
    return world


@pytest.fixture
def phone(world: SmsWorld) -> SmsPhone:
    return SmsPhone(world)


def inbound_count(world: SmsWorld) -> int:
    with world.session() as db:
        return int(db.scalar(select(func.count()).select_from(InboundMessageRow)) or 0)


@pytest.mark.parametrize("signature", ["", "bm90IGEgc2lnbmF0dXJl"])
def test_an_unsigned_or_badly_signed_message_is_refused_and_not_stored(
    phone: SmsPhone, world: SmsWorld, signature: str
) -> None:
    assert phone.post("SALDO", signature=signature).status_code == 403
    assert inbound_count(world) == 0 and world.outbox_rows() == []


def test_a_signature_for_another_url_is_refused(phone: SmsPhone, world: SmsWorld) -> None:
    form = {"From": CUSTOMER, "To": "+15005550006", "Body": "SALDO", "MessageSid": "SM1"}
    signature = RequestValidator("fake-auth-token").compute_signature("http://localhost/sms/twilio", form)
    assert phone.post("SALDO", "SM1", signature=signature).status_code == 403


def test_a_message_delivered_twice_is_handled_once(phone: SmsPhone, world: SmsWorld) -> None:
    for _ in range(2):
        response = phone.post("BANTUAN", "SM" + "a" * 32)
        assert response.status_code == 200 and response.mimetype == "text/xml"
        assert "<Message" not in response.get_data(as_text=True)  # replies go through the outbox
    assert inbound_count(world) == 1 and len(world.outbox_rows()) == 1


def test_the_reply_goes_out_through_the_outbox_and_callbacks_track_it(phone: SmsPhone, world: SmsWorld) -> None:
    phone.post("BANTUAN", "SM" + "b" * 32)
    world.work()
    assert world.fake is not None
    (sent,) = world.fake.messages
    assert sent["to"] == CUSTOMER and sent["body"].startswith("Ketik: SALDO")
    (row,) = world.outbox_rows()
    callback = f"/sms/twilio/status?outbox={row.id}"
    for status in ("delivered", "sent", "queued"):  # out of order: never downgraded
        assert post_status(world, callback, sent["sid"], status).status_code == 200
    assert (world.outbox(row.id).status, world.outbox(row.id).provider_status) == ("delivered", "delivered")


def post_status(world: SmsWorld, path: str, sid: str, status: str, error: str = "", sign: bool = True) -> TestResponse:
    form = {"MessageSid": sid, "MessageStatus": status, "AccountSid": "AC" + "0" * 32}
    if error:
        form["ErrorCode"] = error
    signature = RequestValidator("fake-auth-token").compute_signature(PUBLIC_URL + path, form) if sign else "x"
    return world.client.post(path, data=form, headers={"X-Twilio-Signature": signature})


def test_undelivered_with_an_error_code_and_an_unsigned_callback(phone: SmsPhone, world: SmsWorld) -> None:
    phone.post("BANTUAN")
    world.work()
    (row,) = world.outbox_rows()
    assert post_status(world, "/sms/twilio/status", row.provider_id or "", "failed", sign=False).status_code == 403
    assert post_status(world, "/sms/twilio/status", row.provider_id or "", "undelivered", "30003").status_code == 200
    assert (world.outbox(row.id).status, world.outbox(row.id).error_code) == ("undelivered", "30003")


@pytest.mark.parametrize("body", ["", "   ", "!!! 🙂"])
def test_an_empty_message_gets_help(phone: SmsPhone, body: str) -> None:
    assert (phone.send(body) or "").startswith("Ketik: SALDO, TRANSAKSI")


def test_a_1600_character_message_and_emoji(phone: SmsPhone, world: SmsWorld) -> None:
    assert (phone.send("bantuan 🙏 " + "x" * 2000) or "").startswith("Ketik: SALDO")
    assert (phone.send("🐄🐄 hello 🐄") or "").startswith("Maaf, perintah tidak dikenal")
    with world.session() as db:
        outcomes = set(db.scalars(select(InboundMessageRow.outcome)))
    assert outcomes == {"help_truncated", "unknown"}


def test_an_unknown_sender_learns_nothing(world: SmsWorld) -> None:
    reply = SmsPhone(world, STRANGER).send("SALDO")
    assert reply is not None and "belum terdaftar" in reply and "Rp" not in reply
    assert world.redis.keys("jembatan:sms:otp:*") == []  # no code is sent to strangers


def test_a_sender_abroad_is_recorded_and_not_answered(world: SmsWorld) -> None:
    abroad = SmsPhone(world, ABROAD)
    assert abroad.send("SALDO") is None
    assert abroad.send("STOP") is None
    with world.session() as db:
        assert set(db.scalars(select(InboundMessageRow.outcome))) == {"foreign_sender", "foreign_opted_out"}
        assert is_opted_out(db, ABROAD)


def test_money_commands_need_a_code_sent_to_the_number(phone: SmsPhone, world: SmsWorld) -> None:
    assert (phone.send("saldo 1234") or "").startswith("Kode tidak berlaku")  # a PIN typed anyway: no code yet
    asked = phone.send("saldo") or ""
    code = re.search(r"Kode (\d{6}) untuk SALDO", asked)
    assert code is not None, asked
    assert (phone.send("SALDO 000000") or "").startswith("Kode salah. Sisa 2 kali")
    reply = phone.send(f"Saldo {code.group(1)}") or ""
    assert reply == "Saldo rekening ****7890 per 5 Des 2025: Rp1.500.000."
    with world.session() as db:
        bodies = list(db.scalars(select(InboundMessageRow.body).order_by(InboundMessageRow.id)))
    assert bodies == ["saldo ******", "saldo", "SALDO ******", "Saldo ******"]
    assert (phone.send(f"SALDO {code.group(1)}") or "").startswith("Kode tidak berlaku")  # used once


def test_a_handler_that_fails_gets_an_apology(phone: SmsPhone, world: SmsWorld) -> None:
    assert phone.send("JADWAL") == "Maaf, layanan sedang terganggu. Silakan coba lagi nanti."


def test_stop_opts_out_with_one_final_confirmation_and_stok_does_not(phone: SmsPhone, world: SmsWorld) -> None:
    assert (phone.send("STOK") or "").startswith("Maaf, perintah tidak dikenal")
    assert (phone.send("Stop") or "").startswith("SMS dari Bank Desa berhenti, kecuali pemberitahuan jatuh tempo")
    world.work()
    assert phone.send("BANTUAN") is not None  # written, but suppressed
    assert world.outbox_rows()[-1].status == "suppressed"
    assert (phone.send("MULAI") or "").startswith("Terima kasih, Anda kembali menerima SMS")
    with world.session() as db:
        assert not is_opted_out(db, CUSTOMER)
    confirmation = world.outbox_rows()[1]
    assert (confirmation.purpose, confirmation.required_by_contract, confirmation.status) == ("opt_out", True, "sent")


@pytest.mark.parametrize("word", ["BERHENTI", "STOPALL", "UNSUBSCRIBE", "UNREG", "OFF", "UNSUB", "QUIT"])
def test_every_opt_out_word(phone: SmsPhone, world: SmsWorld, word: str) -> None:
    phone.send(word)
    with world.session() as db:
        assert is_opted_out(db, CUSTOMER)


@pytest.mark.parametrize("word", ["CANCEL", "END", "YES"])
def test_words_borrowers_use_for_other_things_change_no_preference(phone: SmsPhone, world: SmsWorld, word: str) -> None:
    """CANCEL (an application), END (a conversation), YES (an answer): neither opt-out nor opt-in."""
    assert (phone.send(word) or "").startswith("Maaf, perintah tidak dikenal")
    with world.session() as db:
        assert not is_opted_out(db, CUSTOMER)
    phone.send("BERHENTI")
    phone.send(word)
    with world.session() as db:
        assert is_opted_out(db, CUSTOMER)


def test_twilio_advanced_opt_out_is_recorded_without_a_second_reply(phone: SmsPhone, world: SmsWorld) -> None:
    response = phone.post("STOP", "SM" + "c" * 32, extra={"OptOutType": "STOP"})
    assert response.status_code == 200
    assert world.outbox_rows() == []
    with world.session() as db:
        assert is_opted_out(db, CUSTOMER)


def test_language_is_shared_with_ussd(phone: SmsPhone, world: SmsWorld) -> None:
    assert phone.send("BAHASA EN") == "Language changed to English. Ketik BAHASA ID untuk Bahasa Indonesia."
    assert world.redis.get(redis_keys.language(CUSTOMER)) == b"en"
    assert (phone.send("HELP") or "").startswith("Type: SALDO")
    assert phone.send("BAHASA") == "Type BAHASA EN for English. Ketik BAHASA ID untuk Bahasa Indonesia."


def test_the_aggregator(world: SmsWorld) -> None:
    params = {"original": "081234567890", "sendto": "9123", "messageid": "agg-1", "message": "BANTUAN"}
    assert world.client.get("/sms/aggregator", query_string=params).status_code == 403
    ok = world.client.get("/sms/aggregator", query_string={**params, "credential": AGGREGATOR_SECRET})
    assert (ok.status_code, ok.get_data(as_text=True)) == (200, "000")
    again = world.client.post("/sms/aggregator", data=params, headers={"X-Aggregator-Credential": AGGREGATOR_SECRET})
    assert again.get_data(as_text=True) == "000"
    assert len(world.outbox_rows()) == 1 and world.outbox_rows()[0].to_msisdn == CUSTOMER


def test_sandbox_lists_what_it_would_have_sent(
    db_engine: Engine,
    redis_client: redis.Redis,
    clock: Clock,
    worker_context_reset: None,
) -> None:
    world = make_world(
        db_engine,
        redis_client,
        clock,
        REGISTRY,
        bank=SqlBank(db_engine, hasher=FAST_HASHER),
    )
    params = {
        "original": "081234567890",
        "sendto": "9123",
        "messageid": "agg-2",
        "message": "HELP",
        "credential": AGGREGATOR_SECRET,
    }
    world.client.post("/sms/aggregator", data=params)
    world.work()
    listed = world.client.get("/sms/sandbox").get_json()
    assert [(m["to"], m["body"][:12]) for m in listed] == [(CUSTOMER, "Ketik: SALDO")]
    assert world.outbox_rows()[0].status == "sent" and world.outbox_rows()[0].provider == "sandbox"
