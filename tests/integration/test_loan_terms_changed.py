"""A borrower commits only to terms she was shown: when the product changes between the disclosure and the PIN,
the application is not filed and she reads the new terms first (handlers/loans.py `submit`)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import redis
from flask import Flask

from gateway.banking.ledger import SqlBank
from gateway.runtime import Runtime
from tests.transcript_support import demo_app
from tests.ussd_support import AfricasTalkingPhone

EUIS, PIN = "+6281220150101", "482915"
TO_AGREEMENT = ["2", "1", "2", "3000000", "beli sapi perah", "1", "1", "1", "1"]  # dairy loan, 12 months


def _bank(app: Flask) -> SqlBank:
    runtime: Runtime = app.extensions["jembatan"]
    bank = runtime.services.bank
    assert isinstance(bank, SqlBank)
    return bank


def _raise_dairy_rate(bank: SqlBank, rate: str) -> None:
    bank.products = tuple(
        replace(product, rate_percent=Decimal(rate)) if product.code == "dairy_cow" else product
        for product in bank.products
    )


def test_a_rate_raised_before_the_pin_files_nothing_and_shows_the_new_terms(
    tmp_path: Path, redis_client: redis.Redis
) -> None:
    app = demo_app(tmp_path / "bank.db")
    phone = AfricasTalkingPhone(app.test_client(), EUIS, "terms-changed-1")
    phone.dial()
    for entry in TO_AGREEMENT:
        screen = phone.send(entry)
    assert "Setuju? PIN akan diminta." in screen
    assert "PIN" in phone.send("1")
    bank = _bank(app)
    _raise_dairy_rate(bank, "1.5")

    screen = phone.send(PIN)

    assert screen.startswith("CON Syarat pinjaman baru berubah. Mohon baca lagi sebelum setuju.")
    assert "Bunga flat 1,5% sebulan" in screen
    assert bank.my_loans(EUIS).applications == ()  # nothing filed on terms she did not see
    assert "Total bayar Rp3.595.000" in phone.send("99")  # the notice pushed the rest to a second page
    for entry in ["1", "1", "1", "1"]:  # the new disclosure's three screens, then agree
        screen = phone.send(entry)
    assert "PIN" in screen
    filed = phone.send(PIN)
    assert filed.startswith("END Pengajuan Sapi Perah Rp3.000.000 diterima.")
    (application,) = bank.my_loans(EUIS).applications
    assert application.amount == 3_000_000


def test_unchanged_terms_file_the_application_at_once(tmp_path: Path, redis_client: redis.Redis) -> None:
    app = demo_app(tmp_path / "bank.db")
    phone = AfricasTalkingPhone(app.test_client(), EUIS, "terms-changed-2")
    phone.dial()
    for entry in [*TO_AGREEMENT, "1"]:
        phone.send(entry)
    assert phone.send(PIN).startswith("END Pengajuan Sapi Perah Rp3.000.000 diterima.")
