"""When a reminder may go out: pure timing in the borrower's local time, no clock and no I/O.

Every function takes the instant it reasons about; datetimes in and out are timezone-aware UTC
(local times appear only inside). A reminder asking for payment follows OJK's rule on collection
(POJK 22/2023): Monday to Saturday, not on national holidays nor cuti bersama, inside the window. Which
days those are is the one business calendar, `gateway.banking.calendar` (menus/holidays.yaml).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from gateway.banking.calendar import BusinessCalendar

MAX_SEARCH_DAYS = 31  # a window is always found within a month unless the calendar is broken
COLLECTION_EARLIEST = time(8, 0)
COLLECTION_LATEST = time(20, 0)


@dataclass(frozen=True)
class DailyWindow:
    """Allowed sending hours each local day: from `start` (inclusive) to `end` (exclusive)."""

    start: time = COLLECTION_EARLIEST
    end: time = COLLECTION_LATEST

    def within_collection_hours(self) -> bool:
        return COLLECTION_EARLIEST <= self.start < self.end <= COLLECTION_LATEST


@dataclass(frozen=True)
class SendWindow:
    """One concrete window: send from `start`, give up at `end` (both UTC)."""

    start: datetime
    end: datetime
    tz: str

    def local_start(self) -> datetime:
        return self.start.astimezone(zone(self.tz))

    def local_end(self) -> datetime:
        return self.end.astimezone(zone(self.tz))


@cache
def zone(tz: str) -> ZoneInfo:
    return ZoneInfo(tz)


def local_date(instant: datetime, tz: str) -> date:
    return _aware(instant).astimezone(zone(tz)).date()


def window_on(day: date, tz: str, window: DailyWindow) -> SendWindow:
    """The window of one local day, in UTC."""
    local = zone(tz)
    start = datetime.combine(day, window.start, tzinfo=local).astimezone(UTC)
    end = datetime.combine(day, window.end, tzinfo=local).astimezone(UTC)
    return SendWindow(start, end, tz)


def next_send_window(
    now: datetime,
    tz: str,
    window: DailyWindow,
    calendar: BusinessCalendar,
    *,
    first_day: date,
    collection_from: date,
    last_day: date | None = None,
) -> SendWindow | None:
    """The next moment a message may go out and when its window closes; None if none by `last_day`.

    `first_day` is the earliest local day to send on; from the local day `collection_from` on, the
    message is collection contact and only collection days count. A window already closed at `now`
    is skipped (the message waits for the next one rather than going out at night); one that is
    open starts at `now`.
    """
    now = _aware(now).astimezone(UTC)
    day = max(first_day, local_date(now, tz))
    final = last_day if last_day is not None else day + timedelta(days=MAX_SEARCH_DAYS)
    while day <= final:
        if day < collection_from or calendar.is_collection_day(day):
            found = window_on(day, tz, window)
            if now < found.end:
                return SendWindow(max(found.start, now), found.end, tz)
        day += timedelta(days=1)
    return None


def _aware(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError("naive datetime: pass a timezone-aware one")
    return instant
