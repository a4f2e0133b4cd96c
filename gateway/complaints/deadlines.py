"""Complaint deadlines in working days of the bank's one business calendar (gateway.banking.calendar).

A working day is a business day of that calendar (Monday to Saturday, no national holiday, no cuti
bersama): the day of receipt does not count, so a complaint received on Friday 4 December 2026 is due
ten working days later, on Wednesday 16 December 2026.
"""

from __future__ import annotations

from datetime import date, timedelta

from gateway.banking.calendar import BusinessCalendar

MAX_SEARCH_DAYS = 400


def add_working_days(start: date, days: int, calendar: BusinessCalendar) -> date:
    """The `days`-th working day after `start` (which itself does not count)."""
    day, counted = start, 0
    for _ in range(MAX_SEARCH_DAYS):
        if counted == days:
            return day
        day += timedelta(days=1)
        if calendar.is_business_day(day):
            counted += 1
    raise ValueError(f"no {days} working days within {MAX_SEARCH_DAYS} days of {start.isoformat()}")
