"""Complaints end to end: numbers and deadlines, one ticket per request, the staff desk (service and CLI),
the answer by SMS through the outbox, and no complaint text or whole number in the logs."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import redis
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from gateway.banking.ledger import SqlBank
from gateway.cli import main
from gateway.complaints.records import Channel, ComplaintRequest, Topic
from gateway.complaints.service import (
    ComplaintError,
    answer_complaint,
    extend_complaint,
    get_complaint,
    list_complaints,
)
from gateway.engine.api import Call
from gateway.engine.host import LocalizedServices
from gateway.i18n import load_catalog
from gateway.sms.outbox import enqueue_outbox, set_opt_out
from gateway.storage.db import make_engine
from gateway.storage.migrate import upgrade
from gateway.storage.sms_tables import OutboxRow
from gateway.storage.staff_tables import audit_log
from handlers import REGISTRY
from tests.banking_fixtures import NOW, bank, db_engine, demo_bank, pg_engine, sqlite_engine
from tests.conftest import redis_test_url
from tests.sms_support import Clock, SmsPhone, make_world, worker_context_reset

ROOT = Path(__file__).resolve().parents[2]
FRIDAY = datetime(2026, 12, 4, 3, 0, tzinfo=UTC)  # 10:00 WIB, Friday 4 December 2026
STRANGER = "+6281299990000"
TEXT = "Angsuran Oktober sudah dibayar di kantor tapi tercatat terlambat"


def request(key: str, msisdn: str = STRANGER, now: datetime = FRIDAY, text: str = TEXT) -> ComplaintRequest:
    return ComplaintRequest(msisdn, Topic.LOAN, text, Channel.USSD, key, now)


def test_numbers_and_the_deadline_in_working_days(bank: SqlBank) -> None:
    """Received Friday 4 Dec 2026: Sat 5 (1), Mon 7-Fri 11 (2-6), Sat 12 (7), Mon 14-Wed 16 (8-10)."""
    first = bank.open_complaint(request("k1"))
    second = bank.open_complaint(request("k2"))
    again = bank.open_complaint(request("k1"))
    assert (first.reference, first.answer_due, first.new) == ("ADU-2026-000001", date(2026, 12, 16), True)
    assert second.reference == "ADU-2026-000002"
    assert (again.reference, again.new) == ("ADU-2026-000001", False)  # a retried hop opens nothing new
    next_year = bank.open_complaint(request("k3", now=datetime(2027, 1, 4, 3, tzinfo=UTC)))
    assert next_year.reference == "ADU-2027-000001"


def test_answer_goes_out_by_sms_once_even_after_berhenti(bank: SqlBank, db_engine: Engine) -> None:
    opened = bank.open_complaint(request("k1"))
    with Session(db_engine) as db, db.begin():
        set_opt_out(db, STRANGER, True, "BERHENTI", FRIDAY)
        outbox_id = answer_complaint(db, opened.reference, "Maaf, sudah kami koreksi. Denda dihapus.", "siti", FRIDAY)
    with Session(db_engine) as db, db.begin(), pytest.raises(ComplaintError, match="already answered"):
        answer_complaint(db, opened.reference, "lagi", "siti", FRIDAY)
    with Session(db_engine) as db:
        sms = db.get(OutboxRow, outbox_id)
        assert sms is not None and sms.to_msisdn == STRANGER and sms.required_by_contract and sms.status == "pending"
        assert sms.body == (
            "Jawaban pengaduan ADU-2026-000001 dari Bank Desa: Maaf, sudah kami koreksi. Denda dihapus. "
            "Bila tidak puas: Kontak OJK 157 atau LAPS SJK."
        )
        view = get_complaint(db, opened.reference.lower(), now=FRIDAY)
        assert view is not None and view.status == "answered" and view.answered_by == "siti"
        actions = [row.action for row in db.execute(select(audit_log.c.action))]
        assert actions == ["complaint.answer"]


def test_one_extension_of_ten_working_days(bank: SqlBank, db_engine: Engine) -> None:
    opened = bank.open_complaint(request("k1"))
    with Session(db_engine) as db, db.begin():
        due, outbox_id = extend_complaint(db, opened.reference, "Kami periksa catatan kantor cabang.", "budi", FRIDAY)
        # 16 Dec + 10: 17-19 (3), 21-23 (6), 24 and 25 Dec are days off, Sat 26 (7), 28-30 (10)
        assert due == date(2026, 12, 30)
        with pytest.raises(ComplaintError, match="already extended once"):
            extend_complaint(db, opened.reference, "lagi", "budi", FRIDAY)
        sms = db.get(OutboxRow, outbox_id)
        assert sms is not None and "jawaban paling lambat 30 Des 2026. Kami periksa catatan kantor cabang." in sms.body
    with Session(db_engine) as db, db.begin(), pytest.raises(ComplaintError, match="unknown complaint"):
        extend_complaint(db, "ADU-2026-999999", "x", "budi", FRIDAY)


def test_open_and_overdue_lists(bank: SqlBank, db_engine: Engine) -> None:
    late = bank.open_complaint(request("k1"))
    bank.open_complaint(request("k2", now=FRIDAY + timedelta(days=10)))
    after_deadline = datetime(2026, 12, 17, 3, tzinfo=UTC)
    with Session(db_engine) as db:
        assert [v.reference for v in list_complaints(db, "open", True, now=after_deadline)] == [late.reference]
        assert len(list_complaints(db, "open", now=after_deadline)) == 2
        assert list_complaints(db, "answered", now=after_deadline) == []


def test_round_trip_sms_open_then_staff_answer_then_sms(
    demo_bank: SqlBank, db_engine: Engine, redis_client: redis.Redis, worker_context_reset: None
) -> None:
    world = make_world(db_engine, redis_client, Clock(NOW), REGISTRY, bank=demo_bank)
    phone = SmsPhone(world, "+6285239140202")
    demo_bank.set_sms_banking(phone.msisdn, True, NOW)
    ack = phone.send("PENGADUAN petugas menagih hari Minggu")
    assert ack == (
        "Pengaduan ADU-2025-000001 diterima Bank Desa. Jawaban paling lambat 17 Des 2025. "
        "Bila tidak puas: Kontak OJK 157 atau LAPS SJK."
    )
    with world.session() as db, db.begin():
        outbox_id = answer_complaint(db, "ADU-2025-000001", "Maaf, petugas sudah kami tegur.", "siti", NOW)
    enqueue_outbox(world.channel.outbox.queue, [outbox_id])  # after commit, as the CLI and the console do
    world.work()
    answer = world.outbox_rows()[-1]
    assert answer.purpose == "complaint" and answer.to_msisdn == phone.msisdn and answer.status == "sent"
    assert answer.body.startswith("Jawaban pengaduan ADU-2025-000001 dari Bank Desa: Maaf, petugas sudah kami tegur.")


def test_the_complaint_text_and_whole_number_are_never_logged(
    bank: SqlBank, db_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    opened = bank.open_complaint(request("k1", text="rahasia pribadi saya"))
    with Session(db_engine) as db, db.begin():
        answer_complaint(db, opened.reference, "jawaban pribadi", "siti", FRIDAY)
    assert opened.reference in caplog.text
    assert "rahasia" not in caplog.text and "jawaban pribadi" not in caplog.text and STRANGER not in caplog.text


def test_the_cli_lists_shows_answers_and_extends(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'bank.db'}"
    engine = make_engine(url)
    upgrade(engine)
    bank = SqlBank(engine)
    first = bank.open_complaint(request("k1", now=datetime.now(UTC)))
    second = bank.open_complaint(request("k2", now=datetime.now(UTC)))
    engine.dispose()
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("REDIS_URL", redis_test_url())
    assert main(["complaints", "list", "--status", "open"]) == 0
    listing = capsys.readouterr().out
    assert first.reference in listing and "+62812****0000" in listing and STRANGER not in listing
    assert main(["complaints", "show", first.reference]) == 0
    assert f"complaint: {TEXT}" in capsys.readouterr().out
    assert main(["complaints", "answer", first.reference, "--text", "Sudah dikoreksi.", "--staff", "siti"]) == 0
    assert main(["complaints", "answer", first.reference, "--text", "Lagi.", "--staff", "siti"]) == 1
    assert "already answered" in capsys.readouterr().err
    assert main(["complaints", "extend", second.reference, "--reason", "Perlu cek cabang.", "--staff", "budi"]) == 0
    assert "new deadline" in capsys.readouterr().out
    assert main(["complaints", "show", "ADU-1999-000001"]) == 1


@dataclass(frozen=True)
class Host:
    bank: SqlBank

    def now(self) -> datetime:
        return FRIDAY


def test_over_ussd_the_acknowledgement_also_goes_by_sms_in_her_language(bank: SqlBank) -> None:
    catalog, problems = load_catalog(ROOT / "locales")
    assert problems == []
    call = Call(
        msisdn=STRANGER,
        lang="en",
        channel="ussd",
        session_id="s1",
        idempotency_key="s1:3:complaint_text",
        services=LocalizedServices(Host(bank), catalog, "en"),
        vars={"complaint_topic": "2", "complaint_text": "1"},
        value="1",
    )
    result = REGISTRY["complaints.open"](call)
    assert result.category == "ok" and result.data == {"ticket": "ADU-2026-000001", "answer_due": date(2026, 12, 16)}
    (effect,) = result.effects
    assert effect.kind == "sms" and effect.payload["key"] == "complaint:ADU-2026-000001"
    assert effect.payload["body"] == (
        "Complaint ADU-2026-000001 received by Bank Desa. Answer by 16 Dec 2026. "
        "Not satisfied? Kontak OJK 157 or LAPS SJK."
    )
    with Session(bank.engine) as db:
        view = get_complaint(db, "ADU-2026-000001", now=FRIDAY)
        assert view is not None and view.call_back and view.text == "" and view.topic == "costs"
        answer_complaint(db, view.reference, "We will call you tomorrow.", "siti", FRIDAY)
        sms = db.scalar(select(OutboxRow).where(OutboxRow.purpose == "complaint"))
        assert sms is not None and sms.body.startswith("Answer to complaint ADU-2026-000001 from Bank Desa: We will")


def test_hostile_complaints_get_a_ticket_or_the_usage_never_an_error(
    demo_bank: SqlBank, db_engine: Engine, redis_client: redis.Redis, worker_context_reset: None
) -> None:
    world = make_world(db_engine, redis_client, Clock(NOW), REGISTRY, bank=demo_bank)
    phone = SmsPhone(world, "+6281399998888")  # a stranger
    for body in ("PENGADUAN " + "panjang sekali " * 200, "ADUAN \U0001f621 \u2014 \u0000 kenapa?"):
        assert (phone.send(body) or "").startswith("Pengaduan ADU-2025-"), body
    for body in ("PENGADUAN    ", "KELUHAN !!!"):  # no words: no ticket, the usage
        assert (phone.send(body) or "").startswith("Ketik PENGADUAN lalu isi pengaduan Anda"), body
    with world.session() as db:
        texts = [view.text for view in list_complaints(db, now=NOW)]
    assert len(texts) == 2 and len(texts[0]) == 1000 and texts[1].endswith("kenapa?")
