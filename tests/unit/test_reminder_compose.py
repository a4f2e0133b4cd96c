"""The words of a reminder: names shortened to GSM-7, instalments paired, worst cases covered."""

from __future__ import annotations

from datetime import date

import pytest

from gateway.banking.due_records import BorrowerInstalment
from gateway.money import Money
from gateway.reminders.compose import (
    NAME_MAX_CHARS,
    in_messages,
    short_name,
    values_for,
    worst_case_values,
)


def due(n: int, amount: int = 100_000) -> BorrowerInstalment:
    return BorrowerInstalment(n, n, 1, "+6281200000001", "Siti Aminah", "id", "Asia/Jakarta", date(2026, 12, 4), amount)


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


def test_values_for_one_and_two() -> None:
    assert values_for([due(1, 500)]) == {"name": "Siti Aminah", "due_date": date(2026, 12, 4), "amount": Money(500)}
    two = values_for([due(1, 300), due(2, 200)])
    assert (two["amount_1"], two["amount_2"], two["total"]) == (300, 200, 500)


def test_three_the_same_day_make_two_messages() -> None:
    assert [[i.instalment_id for i in group] for group in in_messages([due(1), due(2), due(3)])] == [[1, 2], [3]]
    assert list(in_messages([])) == []


def test_worst_cases_cover_every_month() -> None:
    assert len({v["due_date"].month for v in worst_case_values(two=True)}) == 12
    assert all(v["amount"] == 999_999_999 for v in worst_case_values(two=False))
