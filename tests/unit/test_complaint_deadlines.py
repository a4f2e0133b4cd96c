"""Complaint deadlines in working days, worked by hand against the 2026 calendar."""

from __future__ import annotations

from datetime import date

import pytest

from gateway.banking.calendar import BusinessCalendar
from gateway.complaints.deadlines import add_working_days

CUTI = BusinessCalendar(frozenset({date(2026, 12, 24)}))  # cuti bersama Natal, as in menus/holidays.yaml


@pytest.mark.parametrize(
    ("received", "days", "due"),
    [
        # Fri 4 Dec: Sat 5 (1), Mon 7-Fri 11 (2-6), Sat 12 (7), Mon 14-Wed 16 (8-10). Sundays never count.
        (date(2026, 12, 4), 10, date(2026, 12, 16)),
        # The extension from Wed 16 Dec: 17-19 (3), 21-23 (6), 24 cuti and 25 Christmas skipped, 26 (7), 28-30 (10).
        (date(2026, 12, 16), 10, date(2026, 12, 30)),
        # Received on Sunday 16 Aug: Mon 17 Independence Day skipped, 18-22 (1-5), 24 (6), Tue 25 the
        # Prophet's Birthday skipped, 26-29 (7-10).
        (date(2026, 8, 16), 10, date(2026, 8, 29)),
        (date(2026, 12, 4), 0, date(2026, 12, 4)),
    ],
)
def test_working_days(received: date, days: int, due: date) -> None:
    assert add_working_days(received, days, CUTI) == due
