"""What the reminders of one local day would say, to whom and when: `jembatan reminders preview`."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import TextIO

from sqlalchemy import Engine

from gateway.banking.due_records import DueInstalments
from gateway.i18n import Catalog, load_catalog
from gateway.phones import mask_msisdn
from gateway.reminders.compose import in_messages, render_reminder
from gateway.reminders.due import built_in_bank, due_batches, due_date_for
from gateway.reminders.policy import POLICY_FILE, Policy, read_policy
from gateway.reminders.windows import zone

PREVIEW_BATCH_SIZE = 5000


@dataclass(frozen=True)
class PreviewLine:
    masked_msisdn: str
    tz: str
    window_start: datetime  # local
    window_end: datetime  # local
    offset_days: int
    instalment_ids: tuple[int, ...]
    text: str

    def format(self) -> str:
        start, end = self.window_start, self.window_end
        span = f"{start:%Y-%m-%d %H:%M}-{end:%H:%M} {start.tzname()}"
        return f"{self.masked_msisdn}  {self.tz}  {span}  D{self.offset_days:+d}  {self.text}"


def preview(
    engine: Engine, catalog: Catalog, policy: Policy, day: date, *, bank: DueInstalments | None = None
) -> list[PreviewLine]:
    """Every reminder whose local day is `day`, as the scan would write it from that day's first minute.

    Reads only; instalments already reminded are shown too (it is the day's plan, not the work left).
    """
    lines: list[PreviewLine] = []
    bank = bank or built_in_bank(engine)
    for tz in bank.borrower_time_zones():
        try:
            morning = datetime.combine(day, time(0), tzinfo=zone(tz))
        except (ValueError, KeyError, OSError):
            continue
        for rule in policy.rules:
            window = policy.send_window(rule, tz, due_date_for(rule, day), morning)
            if window is None:
                continue
            for batch in due_batches(bank, engine, rule, tz, day, unreminded_only=False, batch_size=PREVIEW_BATCH_SIZE):
                for borrower in batch:
                    for group in in_messages(borrower):
                        lines.append(
                            PreviewLine(
                                mask_msisdn(group[0].msisdn),
                                tz,
                                window.local_start(),
                                window.local_end(),
                                rule.offset_days,
                                tuple(item.instalment_id for item in group),
                                render_reminder(catalog, rule, group, policy.bank),
                            )
                        )
    lines.sort(key=lambda line: (line.window_start, line.tz, line.instalment_ids))
    return lines


def print_preview(lines: list[PreviewLine], catalog: Catalog, day: date, out: TextIO) -> None:
    for line in lines:
        print(line.format(), file=out)
    print(catalog.render(catalog.default_lang, "reminders.preview_total", {"count": len(lines), "day": day}), file=out)


def cli_preview(database_url: str, menus_dir: Path, locales_dir: Path, day: date) -> int:
    """`jembatan reminders preview --date YYYY-MM-DD`: prints the day's reminders; 1 if the policy is broken."""
    from gateway.storage.db import make_engine
    from gateway.yamlsource import display_path

    catalog, problems = load_catalog(locales_dir)
    path = menus_dir / POLICY_FILE
    policy, policy_problems = read_policy(path.read_text(encoding="utf-8"), display_path(path))
    problems += policy_problems
    if policy is None or problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        return 1
    engine = make_engine(database_url)
    try:
        print_preview(preview(engine, catalog, policy, day), catalog, day, sys.stdout)
    finally:
        engine.dispose()
    return 0
