"""Business days for due dates and collection: Monday to Saturday, no national holiday, no cuti bersama.

National holidays come from the `holidays` package (Indonesia). Cuti bersama (the collective leave days
of the yearly SKB 3 Menteri), which that package lacks, are the operator's list in `menus/holidays.yaml`:

    days_off:
      - {date: 2026-12-24, name: "Cuti bersama Natal"}

`jembatan menus check` validates that file (`check_holidays`), each problem as `file:line`.

- `next_business_day(day)`: `day` itself when it is a business day, else the first one after it.
- `is_collection_day(day)`: whether a branch collects or asks for payment that day (the same rule).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import holidays

from gateway.engine.problems import Problem
from gateway.yamlsource import LineMap, ProblemLines, YamlError, display_path, read_yaml

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "menus" / "holidays.yaml"
HOLIDAYS_FILE = "holidays.yaml"
COUNTRY = "ID"
SUNDAY = 6
MAX_NAME_CHARS = 60
MAX_ROLL_DAYS = 31
"""No run of days off is this long; a longer one means a broken list, not a calendar."""
_ENTRY_KEYS = ("date", "name")
_ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


@functools.cache
def _national(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(COUNTRY, years=year))


@dataclass(frozen=True)
class BusinessCalendar:
    days_off: frozenset[date] = frozenset()
    """Extra days off beside Sundays and national holidays (cuti bersama)."""

    def is_holiday(self, day: date) -> bool:
        return day in self.days_off or day in _national(day.year)

    def is_business_day(self, day: date) -> bool:
        return day.weekday() != SUNDAY and not self.is_holiday(day)

    def next_business_day(self, day: date) -> date:
        for offset in range(MAX_ROLL_DAYS):
            candidate = day + timedelta(days=offset)
            if self.is_business_day(candidate):
                return candidate
        raise ValueError(f"no business day within {MAX_ROLL_DAYS} days of {day.isoformat()}")

    def is_collection_day(self, day: date) -> bool:
        return self.is_business_day(day)


def read_holidays(text: str, source: str = HOLIDAYS_FILE) -> tuple[BusinessCalendar, list[str]]:
    """The calendar a holidays file describes, and its problems (`source:line: problem — fix`)."""
    found = ProblemLines(source)
    try:
        document = read_yaml(text, source)
    except YamlError as exc:
        found.add(exc.line, exc.message, "fix the YAML syntax")
        return BusinessCalendar(), found
    except ValueError:  # the YAML loader builds dates itself and refuses one like 2026-02-30
        found.add(_impossible_date_line(text), "a date that does not exist", "write a real day as YYYY-MM-DD")
        return BusinessCalendar(), found
    if document is None:
        return BusinessCalendar(), found
    if not isinstance(document, LineMap):
        found.add(1, "the file must be a mapping", "start with `days_off:` and a list of {date, name}")
        return BusinessCalendar(), found
    found.unknown_keys(document, ("days_off",), "the file")
    entries = document.get("days_off") or []
    if not isinstance(entries, list):
        found.add(document.line_of("days_off"), "days_off must be a list", "write `- {date: 2026-12-24, name: ...}`")
        return BusinessCalendar(), found
    days: dict[date, int] = {}
    for entry in entries:
        day = _entry_day(entry, found, document.line_of("days_off"))
        if day is None:
            continue
        line = entry.line_of("date")
        if day in days:
            found.add(line, f"{day.isoformat()} is listed twice (first on line {days[day]})", "keep one entry")
        else:
            days[day] = line
    return BusinessCalendar(frozenset(days)), found


def _impossible_date_line(text: str) -> int:
    for number, line in enumerate(text.splitlines(), start=1):
        for match in _ISO_DAY.finditer(line):
            try:
                date.fromisoformat(match.group())
            except ValueError:
                return number
    return 1


def _entry_day(entry: object, found: ProblemLines, list_line: int) -> date | None:
    if not isinstance(entry, LineMap):
        found.add(list_line, f"a day off must be a mapping, not {entry!r}", "write `- {date: 2026-12-24, name: ...}`")
        return None
    found.unknown_keys(entry, _ENTRY_KEYS, "a day off")
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_NAME_CHARS:
        found.add(entry.line_of("name"), f"name must be text of 1-{MAX_NAME_CHARS} characters", "name the day off")
    value = entry.get("date")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    found.add(entry.line_of("date"), f"date must be a day as YYYY-MM-DD, not {value!r}", "e.g. 2026-12-24")
    return None


def load_calendar(path: Path = DEFAULT_PATH) -> BusinessCalendar:
    """The operator's calendar; no file means Sundays and national holidays only. Raises ValueError
    (every problem, one per line) for a file with problems."""
    if not path.exists():
        return BusinessCalendar()
    calendar, found = read_holidays(path.read_text(encoding="utf-8"), display_path(path))
    if found:
        raise ValueError("\n".join(found))
    return calendar


@functools.cache
def default_calendar() -> BusinessCalendar:
    """`menus/holidays.yaml`, read once per process."""
    return load_calendar()


def next_business_day(day: date, calendar: BusinessCalendar | None = None) -> date:
    return (calendar or default_calendar()).next_business_day(day)


def is_collection_day(day: date, calendar: BusinessCalendar | None = None) -> bool:
    """Monday to Saturday, no national holiday, no cuti bersama: a day to collect or ask for payment."""
    return (calendar or default_calendar()).is_collection_day(day)


def check_holidays(menus_dir: Path, _catalog: object) -> list[Problem]:
    """For `jembatan menus check`: the problems of `menus/holidays.yaml` (none when it is absent)."""
    path = menus_dir / HOLIDAYS_FILE
    if not path.exists():
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return [Problem(display_path(path), 1, f"cannot read the holidays file ({exc.strerror})")]
    _calendar, found = read_holidays(text, display_path(path))
    return [Problem.parse(line) for line in found]


__all__ = [
    "BusinessCalendar",
    "check_holidays",
    "default_calendar",
    "is_collection_day",
    "load_calendar",
    "next_business_day",
    "read_holidays",
]
