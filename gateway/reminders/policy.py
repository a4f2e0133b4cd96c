"""The reminder policy from `menus/reminders.yaml`: rules per offset, sending window, days off.

Parsers take text (`read_policy(text, source_name)`); every problem is `file:line: problem — fix`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from gateway.banking.calendar import HOLIDAYS_FILE, BusinessCalendar, load_calendar
from gateway.reminders.contact import BankContact, read_bank
from gateway.reminders.windows import DailyWindow, SendWindow, next_send_window
from gateway.yamlsource import LineMap, OperatorFileError, ProblemLines, YamlError, display_path, read_yaml

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "menus" / "reminders.yaml"
POLICY_FILE = "reminders.yaml"
ACTIVE = "active"
REMINDABLE_STATES = frozenset({ACTIVE})  # paid and written-off loans never get reminders
MAX_OFFSET_DAYS = 60
TOP_KEYS = ("window", "days_off", "bank", "rules")
RULE_KEYS = ("offset_days", "text", "text_two", "products", "loan_states", "window", "required_by_contract")
WINDOW_KEYS = ("start", "end")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_CLOCK = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")


class PolicyError(OperatorFileError):
    pass


@dataclass(frozen=True)
class Rule:
    name: str
    offset_days: int
    text: str  # locale key for one instalment
    text_two: str  # locale key naming two instalments due the same day
    window: DailyWindow
    products: frozenset[str] | None = None  # None: every product
    loan_states: frozenset[str] = REMINDABLE_STATES
    required_by_contract: bool = False
    line: int = 0

    @property
    def overdue(self) -> bool:
        return self.offset_days > 0

    @property
    def asks_payment(self) -> bool:
        """The due-day and overdue notices ask for payment: collection contact (POJK 22/2023)."""
        return self.offset_days >= 0

    def applies_to(self, product_code: str, loan_status: str) -> bool:
        return loan_status in self.loan_states and (self.products is None or product_code in self.products)


@dataclass(frozen=True)
class Policy:
    rules: tuple[Rule, ...]
    window: DailyWindow = field(default_factory=DailyWindow)
    calendar: BusinessCalendar = field(default_factory=BusinessCalendar)
    """Collection days: the one business calendar (gateway.banking.calendar, menus/holidays.yaml)."""
    source: str = "menus/reminders.yaml"
    bank: BankContact = field(default_factory=BankContact)

    def rule_for(self, offset_days: int) -> Rule | None:
        return next((rule for rule in self.rules if rule.offset_days == offset_days), None)

    def send_window(self, rule: Rule, tz: str, due_date: date, now: datetime) -> SendWindow | None:
        """Reminders before the due date must arrive by its end. From the due date on a reminder asks for
        payment, so it goes out on collection days only: the due-day notice on the due date, or the first
        collection day after it when that is a day off; overdue ones on the next collection day."""
        last_day: date | None = None
        if rule.offset_days < 0:
            last_day = due_date
        elif rule.offset_days == 0:
            last_day = self.calendar.next_business_day(due_date)
        return next_send_window(
            now,
            tz,
            rule.window,
            self.calendar,
            first_day=due_date + timedelta(days=rule.offset_days),
            collection_from=due_date,
            last_day=last_day,
        )


def read_policy(
    text: str, source_name: str = "menus/reminders.yaml", calendar: BusinessCalendar | None = None
) -> tuple[Policy | None, list[str]]:
    """`calendar`: the operator's (menus/holidays.yaml, as `load_policy` reads it); None: Sundays and
    national holidays only."""
    problems = ProblemLines(source_name)
    try:
        data = read_yaml(text, source_name)
    except YamlError as exc:
        problems.add(exc.line, exc.message, "fix the YAML syntax")
        return None, problems
    root = data.get("reminders") if isinstance(data, LineMap) else None
    if not isinstance(root, LineMap):
        problems.add(1, "no 'reminders:' mapping at the top", "start the file with 'reminders:'")
        return None, problems
    problems.unknown_keys(root, TOP_KEYS, "reminders")
    window = _window(problems, root, "reminders", DailyWindow())
    _moved_days_off(problems, root)
    bank = read_bank(problems, root)
    rules = _rules(problems, root, window)
    policy = Policy(rules, window, calendar or BusinessCalendar(), source_name, bank)
    return (None if problems else policy), problems


def _clock(problems: ProblemLines, node: LineMap, key: str, where: str, default: time) -> time:
    value = node.get(key)
    if value is None:
        return default
    match = _CLOCK.match(value) if isinstance(value, str) else None
    if match is None:
        problems.add(
            node.line_of(key),
            f"{where}.{key} is {value!r}, not a time of day",
            'write it in quotes as HH:MM, e.g. "08:00"',
        )
        return default
    return time(int(match.group(1)), int(match.group(2)))


def _window(problems: ProblemLines, parent: LineMap, where: str, default: DailyWindow) -> DailyWindow:
    node = parent.get("window")
    if node is None:
        return default
    if not isinstance(node, LineMap):
        problems.add(
            parent.line_of("window"), f"{where}.window must be a mapping", 'write it as {start: "08:00", end: "20:00"}'
        )
        return default
    problems.unknown_keys(node, WINDOW_KEYS, f"{where}.window")
    start = _clock(problems, node, "start", f"{where}.window", default.start)
    end = _clock(problems, node, "end", f"{where}.window", default.end)
    if start >= end:
        problems.add(
            node.line,
            f"{where}.window ends at {end:%H:%M}, not after its start {start:%H:%M}",
            "make end later than start on the same day",
        )
        return default
    return DailyWindow(start, end)


def _moved_days_off(problems: ProblemLines, root: LineMap) -> None:
    if "days_off" in root:
        problems.add(
            root.line_of("days_off"),
            "reminders.days_off is no longer read: days off (cuti bersama) are one list for due dates and reminders",
            f"move them to menus/{HOLIDAYS_FILE} as '- {{date: 2026-12-24, name: ...}}'",
        )


def _rules(problems: ProblemLines, root: LineMap, window: DailyWindow) -> tuple[Rule, ...]:
    node = root.get("rules")
    if not isinstance(node, LineMap) or not node:
        problems.add(
            root.line_of("rules"),
            "reminders.rules must map rule names to rules",
            "add e.g. 'd_minus_3: {offset_days: -3, text: reminders.before, text_two: reminders.before_two}'",
        )
        return ()
    rules: list[Rule] = []
    seen: dict[int, str] = {}
    for name, spec in node.items():
        rule = _rule(problems, name, spec, node.line_of(name), window)
        if rule is None:
            continue
        if rule.offset_days in seen:
            problems.add(
                rule.line,
                f"rules {seen[rule.offset_days]} and {name} both use offset_days {rule.offset_days}",
                "keep one rule per offset (products can be listed together)",
            )
            continue
        seen[rule.offset_days] = name
        rules.append(rule)
    return tuple(sorted(rules, key=lambda r: r.offset_days))


def _rule(problems: ProblemLines, name: str, spec: Any, line: int, window: DailyWindow) -> Rule | None:
    where = f"reminders.rules.{name}"
    if not _NAME.match(name):
        problems.add(line, f"rule name '{name}' is not snake_case", "use lower case letters, digits and _")
    if not isinstance(spec, LineMap):
        problems.add(line, f"{where} must be a mapping", "give it offset_days, text and text_two")
        return None
    problems.unknown_keys(spec, RULE_KEYS, where)
    offset = spec.get("offset_days")
    if isinstance(offset, bool) or not isinstance(offset, int) or abs(offset) > MAX_OFFSET_DAYS:
        problems.add(
            spec.line_of("offset_days"),
            f"{where}.offset_days is {offset!r}",
            f"give whole days from the due date, -{MAX_OFFSET_DAYS} to {MAX_OFFSET_DAYS} (-3 is D-3)",
        )
        return None
    texts = [_text_key(problems, spec, key, where) for key in ("text", "text_two")]
    rule_window = _window(problems, spec, where, window)
    if offset >= 0 and not rule_window.within_collection_hours():
        problems.add(
            spec.line_of("window") if "window" in spec else line,
            f"{where} asks for payment but its window {rule_window.start:%H:%M}-{rule_window.end:%H:%M} "
            "is outside 08:00-20:00 local time (POJK 22/2023)",
            "keep due-day and overdue windows within 08:00-20:00",
        )
    required = _flag(problems, spec, "required_by_contract", where)
    if required and offset < 0:
        problems.add(
            spec.line_of("required_by_contract"),
            f"{where} comes before the due date but says required_by_contract: it would reach borrowers "
            "who replied BERHENTI",
            "only the due-day and overdue notices (offset_days 0 or more) may be required by the contract",
        )
        required = False
    return Rule(
        name,
        offset,
        texts[0],
        texts[1],
        rule_window,
        products=_names(problems, spec, "products", where, allow_all=True),
        loan_states=_states(problems, spec, where),
        required_by_contract=required,
        line=line,
    )


def _text_key(problems: ProblemLines, spec: LineMap, key: str, where: str) -> str:
    value = spec.get(key)
    if not isinstance(value, str) or not value.startswith("reminders."):
        problems.add(
            spec.line_of(key),
            f"{where}.{key} is {value!r}",
            "name a text in locales/<lang>.reminders.yaml, e.g. reminders.before",
        )
        return ""
    return value


def _names(problems: ProblemLines, spec: LineMap, key: str, where: str, allow_all: bool) -> frozenset[str] | None:
    value = spec.get(key, "all" if allow_all else None)
    if allow_all and value == "all":
        return None
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and _NAME.match(v) for v in value):
        problems.add(
            spec.line_of(key),
            f"{where}.{key} is {value!r}",
            "write 'all' or a list of product codes from menus/products.yaml",
        )
        return None
    return frozenset(value)


def _states(problems: ProblemLines, spec: LineMap, where: str) -> frozenset[str]:
    value = spec.get("loan_states", sorted(REMINDABLE_STATES))
    if not isinstance(value, list) or not value or not set(value) <= REMINDABLE_STATES:
        problems.add(
            spec.line_of("loan_states"),
            f"{where}.loan_states is {value!r}; paid and written-off loans get no reminders",
            f"use a list of {', '.join(sorted(REMINDABLE_STATES))}",
        )
        return REMINDABLE_STATES
    return frozenset(value)


def _flag(problems: ProblemLines, spec: LineMap, key: str, where: str) -> bool:
    value = spec.get(key, False)
    if not isinstance(value, bool):
        problems.add(spec.line_of(key), f"{where}.{key} is {value!r}", "write true or false")
        return False
    return value


def load_policy(path: Path = DEFAULT_PATH) -> Policy:
    """Raises PolicyError listing every problem (ValueError for a broken holidays file beside it)."""
    calendar = load_calendar(path.parent / HOLIDAYS_FILE)
    policy, problems = read_policy(path.read_text(encoding="utf-8"), display_path(path), calendar)
    if policy is None:
        raise PolicyError(problems)
    return policy
