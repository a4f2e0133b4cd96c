"""The words of a reminder: names shortened to GSM-7, instalments paired, worst cases covered."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from gateway.banking.due_records import BorrowerInstalment
from gateway.gsm7 import non_gsm7_characters, segments
from gateway.i18n import Catalog, load_catalog
from gateway.reminders.compose import (
    NAME_MAX_CHARS,
    in_messages,
    render_reminder,
    short_name,
    values_for,
    worst_case_values,
)
from gateway.reminders.contact import BankContact
from gateway.reminders.policy import Rule
from gateway.reminders.windows import DailyWindow

ROOT = Path(__file__).resolve().parents[2]


def due(n: int, amount: int = 100_000, late_fee: int = 0) -> BorrowerInstalment:
    return BorrowerInstalment(
        n, n, 1, "+6281200000001", "Siti Aminah", "id", "Asia/Jakarta", date(2026, 12, 4), amount, late_fee
    )


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Siti Aminah", "Siti Aminah"),
        ("  Made   Wirawan ", "Made Wirawan"),
        ("Ni Luh Putu Ayu Kartika Dewi", "Ni Luh Putu Ayu"),
        ("Umbu\u2019Ndakularak", "Umbu'Ndakularak"),
        ("Abcdefghijklmnopqrstuvwxyz", "Abcdefghijklmnopqrst"),
        ("Zoë 李", "Zo? ?"),
    ],
)
def test_short_name(name: str, expected: str) -> None:
    assert short_name(name) == expected and len(short_name(name)) <= NAME_MAX_CHARS


BANK = BankContact("PT BPR Uji Coba", "0800-1234-567")


def catalog() -> Catalog:
    loaded, problems = load_catalog(ROOT / "locales")
    assert problems == []
    return loaded


def test_values_for_one_and_two() -> None:
    assert values_for(catalog(), [due(1, 292_083)], BANK) == {
        "name": "Siti Aminah",
        "due_date": "4 Des 2026",
        "amount": "Rp292.083",
        "pay": "292083",
        "bank": "PT BPR Uji Coba",
        "phone": "0800-1234-567",
    }
    two = values_for(catalog(), [due(1, 300), due(2, 200, late_fee=20)], BANK)
    assert (two["amount_1"], two["amount_2"], two["total"]) == ("Rp300", "Rp200 + denda Rp20", "Rp520")


def test_a_late_fee_is_named_and_paid_with_the_instalment() -> None:
    values = values_for(catalog(), [due(1, 292_083, late_fee=2_044)], BANK)
    assert (values["amount"], values["pay"]) == ("Rp292.083 + denda Rp2.044", "294127")


def test_the_overdue_reminder_names_bank_amount_fee_how_to_pay_and_whom_to_call() -> None:
    rule = Rule("d_plus_7", 7, "reminders.overdue", "reminders.overdue_two", DailyWindow())
    text = render_reminder(catalog(), rule, [due(1, 292_083, late_fee=2_044)], BANK)
    assert text == (
        "Yth. Siti Aminah: angsuran Rp292.083 + denda Rp2.044 terlambat sejak 4 Des 2026. "
        "Mohon BAYAR 294127 / di kantor. Telp 0800-1234-567 PT BPR Uji Coba"
    )
    assert non_gsm7_characters(text) == [] and segments(text) == 1
    english = render_reminder(catalog(), rule, [replace(due(1, 292_083), lang="en")], BANK)
    assert english.startswith("Dear Siti Aminah: instalment Rp292,083 overdue since 4 Dec 2026. Reply BAYAR 292083")


def test_three_the_same_day_make_two_messages() -> None:
    assert [[i.instalment_id for i in group] for group in in_messages([due(1), due(2), due(3)])] == [[1, 2], [3]]
    assert list(in_messages([])) == []


def test_worst_cases_cover_every_month() -> None:
    worst = list(worst_case_values(catalog(), "id", True, BANK))
    assert len({v["due_date"] for v in worst}) == 12
    assert all(v["amount_1"] == "Rp99.999.999" for v in worst)
    with_fee = list(worst_case_values(catalog(), "id", False, BANK, 99_999_999, 9_999_999))
    assert all(v["amount"] == "Rp99.999.999 + denda Rp9.999.999" for v in with_fee)
