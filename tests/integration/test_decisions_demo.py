"""The demo path, end to end on the real menus, scorecard and policy: a farmer applies over USSD with consent,
the scoring job (an RQ worker in burst mode) approves and pays out within the policy's limit and her SMS gives
the schedule; a seaweed farmer without consent is referred with a date for the answer, an officer approves
with `jembatan applications approve`, and the disbursement SMS follows. Golden texts for both."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import redis
from rq import Queue, SimpleWorker
from sqlalchemy import select

from gateway.banking.demo import DAIRY, SEAWEED
from gateway.cli import parser
from gateway.decisions import jobs
from gateway.decisions.intake import SCORING_QUEUE
from gateway.decisions.wiring import build_desk
from gateway.scoring.demo_history import seed_farmer_records
from gateway.staff.demo import seed_demo_staff_in
from gateway.storage.sms_tables import OutboxRow
from tests.transcript_support import CLOCK, demo_app
from tests.ussd_support import AfricasTalkingPhone

REFERENCE = re.compile(r"ref (PJ[A-Z0-9]{6})")


def _apply(client: object, phone: str, pin: str, inputs: list[str]) -> str:
    caller = AfricasTalkingPhone(client, phone, f"demo-{phone}")  # type: ignore[arg-type]
    caller.dial()
    screen = ""
    for entry in [*inputs, pin]:
        screen = caller.send(entry)
    found = REFERENCE.search(screen)
    assert found is not None and screen.startswith("END"), screen
    return found.group(1)


def _sms(engine: object, msisdn: str) -> list[str]:
    from sqlalchemy.orm import Session

    with Session(engine) as db:  # type: ignore[call-overload]
        return list(db.scalars(select(OutboxRow.body).where(OutboxRow.to_msisdn == msisdn).order_by(OutboxRow.id)))


def _work(client: redis.Redis) -> None:
    SimpleWorker([Queue(SCORING_QUEUE, connection=client)], connection=client).work(burst=True)


def test_apply_over_ussd_then_the_sms_tells_the_outcome(
    tmp_path: Path, redis_client: redis.Redis, capsys: pytest.CaptureFixture[str]
) -> None:
    app = demo_app(tmp_path / "bank.db")
    runtime = app.extensions["jembatan"]
    engine = runtime.db_engine
    seed_farmer_records(engine, CLOCK, [(DAIRY.msisdn, "dairy"), (SEAWEED.msisdn, "seaweed")])
    seed_demo_staff_in(engine, CLOCK)
    desk = build_desk(runtime.settings, runtime.redis, engine, runtime.services.clock)
    jobs.install_desk(desk)

    def officer(argv: list[str]) -> int:
        """`jembatan applications ...` on this app's database, Redis and clock."""
        args = parser().parse_args(["applications", *argv])
        return int(args.func(args, runtime.settings, desk))

    try:
        client = app.test_client()
        # Dairy cow, 6 months, Rp1.000.000, consent: within the automatic limit.
        approved = _apply(
            client, DAIRY.msisdn, DAIRY.pin or "", ["2", "1", "1", "1000000", "beli pakan", "1", "1", "1", "1", "1"]
        )
        _work(runtime.redis)
        paid = _sms(engine, DAIRY.msisdn)[-1]
        assert paid == (
            f"Bank Desa: Pinjaman Sapi Perah Rp1.000.000 (ref {approved}) disetujui dan sudah masuk ke tabungan Anda. "
            "Angsuran 6x: pertama Rp184.999 jatuh tempo 28 Des 2026, terakhir Rp185.005 jatuh tempo 27 Mei 2027. "
            "Total bayar Rp1.110.000."
        )
        # Seaweed harvest without consent: the bank's own records only, referred to an officer.
        referred = _apply(
            client,
            SEAWEED.msisdn,
            SEAWEED.pin or "",
            ["2", "1", "2", "1", "2000000", "bibit", "2", "1", "1", "99", "1", "1"],
        )
        _work(runtime.redis)
        assert _sms(engine, SEAWEED.msisdn)[-1] == (
            f"Bank Desa: Pengajuan pinjaman {referred} sedang diperiksa petugas kami. Jawaban paling lambat "
            "30 Nov 2026 lewat SMS. Untuk membatalkan, balas BATAL."
        )
        assert officer(["--as", "demo-auditor", "approve", referred]) == 1  # an auditor only reads
        assert officer(["--as", "demo-officer", "approve", referred, "--reason", "tali baru"]) == 0
        assert _sms(engine, SEAWEED.msisdn)[-1] == (
            f"Bank Desa: Pinjaman Rumput Laut Cicil Rp2.000.000 (ref {referred}) disetujui dan sudah masuk ke tabungan "
            "Anda. Angsuran 4x: pertama Rp531.794 jatuh tempo 11 Jan 2027, terakhir Rp531.792 jatuh tempo 26 Mei 2027. "
            "Total bayar Rp2.127.174."
        )
        capsys.readouterr()
        assert officer(["--as", "demo-auditor", "show", referred]) == 0
        explained = capsys.readouterr().out
        assert "refer by scoring (system), score" in explained and "no_records (" in explained
        assert "application.approve  (tali baru)" in explained and "Consent: no, wording id-" in explained
        assert officer(["--as", "demo-auditor", "show", referred, "--json"]) == 0
        shown = json.loads(capsys.readouterr().out)
        assert [d["outcome"] for d in shown["decisions"]] == ["refer", "approved", "disbursed"]
        assert shown["decisions"][0]["reasons"][0] == "no_records" and shown["consent"]["granted"] is False
        assert [(e["actor"], e["action"]) for e in shown["audit"]] == [
            ("demo-officer", "application.approve"),
            ("demo-officer", "application.disburse"),
        ]
    finally:
        jobs.install_desk(None)
