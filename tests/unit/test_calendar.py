"""Business days worked by hand from a 2026 wall calendar (27 Nov 2026 is a Friday)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from gateway.banking.calendar import (
    DEFAULT_PATH,
    BusinessCalendar,
    check_holidays,
    is_collection_day,
    load_calendar,
    next_business_day,
    read_holidays,
)

CUTI = BusinessCalendar(frozenset({date(2026, 12, 24)}))


def test_sunday_rolls_to_monday() -> None:
    assert CUTI.next_business_day(date(2026, 11, 29)) == date(2026, 11, 30)
    assert CUTI.next_business_day(date(2026, 11, 28)) == date(2026, 11, 28)  # Saturday is a business day


def test_national_holiday_and_the_sunday_before_it() -> None:
    # Sunday 16 Aug 2026, then Independence Day on Monday 17 Aug: due on Tuesday 18 Aug.
    assert CUTI.next_business_day(date(2026, 8, 16)) == date(2026, 8, 18)


def test_cuti_bersama_from_the_operator_list_then_christmas() -> None:
    # Thursday 24 Dec (cuti bersama), Friday 25 Dec (Christmas): Saturday 26 Dec.
    assert CUTI.next_business_day(date(2026, 12, 24)) == date(2026, 12, 26)
    assert BusinessCalendar().next_business_day(date(2026, 12, 24)) == date(2026, 12, 24)


def test_collection_days_are_monday_to_saturday_without_holidays() -> None:
    assert [CUTI.is_collection_day(date(2026, 11, d)) for d in range(23, 30)] == [True] * 6 + [False]
    assert not CUTI.is_collection_day(date(2026, 12, 25))
    assert not CUTI.is_collection_day(date(2026, 12, 24))


def test_module_functions_use_the_operator_file() -> None:
    shipped = load_calendar(DEFAULT_PATH)
    assert date(2026, 12, 24) in shipped.days_off
    assert next_business_day(date(2026, 12, 24), shipped) == date(2026, 12, 26)
    assert is_collection_day(date(2026, 11, 30), shipped)


def test_a_good_file_has_no_problems_and_gives_its_days() -> None:
    calendar, problems = read_holidays("days_off:\n  - {date: 2026-12-24, name: Cuti bersama Natal}\n")
    assert problems == []
    assert calendar.days_off == frozenset({date(2026, 12, 24)})


def test_each_problem_names_its_line() -> None:
    text = (
        "days_off:\n"
        "  - {date: 2026-12-24, name: Natal}\n"
        "  - {date: 2026-02-03, name: Benar}\n"
        "  - {date: 2026-12-24, name: Lagi}\n"
        "  - {date: 2026-05-15}\n"
        "  - {date: 2026-05-28, name: Idul Adha, hari: 2}\n"
        "extra: 1\n"
    )
    _calendar, problems = read_holidays(text, "holidays.yaml")
    assert [p.split(": ")[0] for p in problems] == [
        "holidays.yaml:7",
        "holidays.yaml:4",
        "holidays.yaml:5",
        "holidays.yaml:6",
    ]
    assert "listed twice (first on line 2)" in problems[1]
    assert "name must be text" in problems[2] and "unknown key 'hari'" in problems[3]


def test_a_day_that_does_not_exist_is_a_problem_on_its_line() -> None:
    _calendar, problems = read_holidays("days_off:\n  - {date: 2026-12-24, name: A}\n  - {date: 2026-02-30, name: B}\n")
    assert problems == ["holidays.yaml:3: a date that does not exist — write a real day as YYYY-MM-DD"]


def test_menus_check_reports_a_broken_file(tmp_path: Path) -> None:
    assert check_holidays(tmp_path, None) == []  # no file: Sundays and national holidays only
    (tmp_path / "holidays.yaml").write_text("days_off: [2026-12-24]\n", encoding="utf-8")
    (problem,) = check_holidays(tmp_path, None)
    assert problem.line == 1 and problem.is_error and "must be a mapping" in problem.message
