"""Pure timing: an injected clock moved across days, windows, time zones and month boundaries."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from gateway.banking.calendar import BusinessCalendar
from gateway.reminders.windows import DailyWindow, local_date, next_send_window, window_on

JAKARTA, MAKASSAR, JAYAPURA = "Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"  # WIB +7, WITA +8, WIT +9
WINDOW = DailyWindow(time(8), time(20))
CALENDAR = BusinessCalendar()


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def plain(now: datetime, tz: str, day: date) -> tuple[datetime, datetime] | None:
    """A reminder before the due date: any day, from `day` on."""
    found = next_send_window(now, tz, WINDOW, CALENDAR, first_day=day, collection_from=day + timedelta(days=99))
    return (found.start, found.end) if found else None


def overdue(now: datetime, tz: str, day: date) -> datetime | None:
    found = next_send_window(now, tz, WINDOW, CALENDAR, first_day=day, collection_from=day)
    return found.start if found else None


def test_same_local_hour_is_an_hour_apart_between_sumba_and_aceh() -> None:
    day = date(2026, 12, 1)
    sumba, aceh = window_on(day, MAKASSAR, WINDOW), window_on(day, JAKARTA, WINDOW)
    assert sumba.start == utc(2026, 12, 1, 0) and aceh.start == utc(2026, 12, 1, 1)
    assert aceh.start - sumba.start == timedelta(hours=1)
    assert sumba.local_start().hour == aceh.local_start().hour == 8
    assert window_on(day, JAYAPURA, WINDOW).start == utc(2026, 11, 30, 23)


def test_before_the_window_waits_for_its_start() -> None:
    assert plain(utc(2026, 12, 1, 0, 30), JAKARTA, date(2026, 12, 1)) == (utc(2026, 12, 1, 1), utc(2026, 12, 1, 13))


def test_inside_the_window_goes_now() -> None:
    now = utc(2026, 12, 1, 5, 17)
    assert plain(now, JAKARTA, date(2026, 12, 1)) == (now, utc(2026, 12, 1, 13))


@pytest.mark.parametrize("minute", [0, 1, 59])
def test_after_the_window_waits_for_the_next_day_not_the_night(minute: int) -> None:
    now = utc(2026, 12, 1, 13, minute)  # 20:xx WIB
    assert plain(now, JAKARTA, date(2026, 12, 1)) == (utc(2026, 12, 2, 1), utc(2026, 12, 2, 13))


def test_the_same_utc_instant_is_a_different_local_day_in_the_east() -> None:
    now = utc(2026, 12, 31, 15, 30)  # 22:30 WIB on 31 Dec, 00:30 WIT on 1 Jan
    assert local_date(now, JAKARTA) == date(2026, 12, 31)
    assert local_date(now, JAYAPURA) == date(2027, 1, 1)
    assert plain(now, JAYAPURA, date(2027, 1, 1)) == (utc(2026, 12, 31, 23), utc(2027, 1, 1, 11))


def test_month_boundary_rolls_to_the_first() -> None:
    now = utc(2026, 11, 30, 12, 30)  # 20:30 WITA on 30 Nov
    assert plain(now, MAKASSAR, date(2026, 11, 30)) == (utc(2026, 12, 1, 0), utc(2026, 12, 1, 12))


def test_first_day_in_the_future_is_respected() -> None:
    assert plain(utc(2026, 1, 30, 3), JAKARTA, date(2026, 2, 2)) == (utc(2026, 2, 2, 1), utc(2026, 2, 2, 13))


def test_last_day_passed_gives_none() -> None:
    found = next_send_window(
        utc(2026, 12, 1, 14),
        JAKARTA,
        WINDOW,
        CALENDAR,
        first_day=date(2026, 12, 1),
        collection_from=date(2026, 12, 2),
        last_day=date(2026, 12, 1),
    )
    assert found is None


def test_overdue_skips_sunday() -> None:
    assert date(2026, 12, 6).weekday() == 6
    assert overdue(utc(2026, 12, 5, 23), JAKARTA, date(2026, 12, 6)) == utc(2026, 12, 7, 1)


def test_overdue_skips_christmas_and_the_sunday_after() -> None:
    # 25 Dec 2026 is a Friday and a national holiday; Saturday 26 is a collection day.
    assert overdue(utc(2026, 12, 24, 20), MAKASSAR, date(2026, 12, 25)) == utc(2026, 12, 26, 0)
    assert overdue(utc(2026, 12, 26, 12, 5), MAKASSAR, date(2026, 12, 26)) == utc(2026, 12, 28, 0)


def test_overdue_allows_saturday() -> None:
    assert overdue(utc(2026, 12, 5, 2), JAKARTA, date(2026, 12, 5)) == utc(2026, 12, 5, 2)


def test_operator_days_off_count_for_overdue_only() -> None:
    calendar = BusinessCalendar(frozenset({date(2026, 12, 24)}))  # cuti bersama from menus/holidays.yaml
    late = next_send_window(
        utc(2026, 12, 23, 20),
        JAKARTA,
        WINDOW,
        calendar,
        first_day=date(2026, 12, 24),
        collection_from=date(2026, 12, 24),
    )
    early = next_send_window(
        utc(2026, 12, 23, 20),
        JAKARTA,
        WINDOW,
        calendar,
        first_day=date(2026, 12, 24),
        collection_from=date(2026, 12, 31),
    )
    assert late is not None and late.start == utc(2026, 12, 26, 1)
    assert early is not None and early.start == utc(2026, 12, 24, 1)


def test_holidays_follow_the_year() -> None:
    assert CALENDAR.is_holiday(date(2026, 12, 25)) and CALENDAR.is_holiday(date(2027, 8, 17))
    assert not CALENDAR.is_collection_day(date(2026, 8, 17))
    assert CALENDAR.is_collection_day(date(2026, 12, 28))


def test_naive_clock_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        plain(datetime(2026, 12, 1, 3), JAKARTA, date(2026, 12, 1))


def test_collection_hours() -> None:
    assert WINDOW.within_collection_hours()
    assert not DailyWindow(time(7, 59), time(20)).within_collection_hours()
    assert not DailyWindow(time(8), time(20, 1)).within_collection_hours()
