"""One reminder round at a given moment: scan, then hand what is due to the sender.

The scheduler runs it with the real clock (`gateway.jobs.tasks.scan_reminders`); `jembatan reminders run --now`
runs it with a clock moved forward, so a demo shows tomorrow's 08:00 reminders in the SMS sandbox today.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from gateway.banking.due_records import DueInstalments
from gateway.i18n import Catalog, load_catalog
from gateway.reminders.dispatch import due_outbox_batches
from gateway.reminders.policy import Policy, load_policy
from gateway.reminders.scan import scan_and_queue
from gateway.sms.outbox_context import OutboxContext
from gateway.sms.sender import send_batch

POLICY_FILE = "reminders.yaml"


@dataclass(frozen=True)
class ReminderSetup:
    engine: Engine
    catalog: Catalog
    policy: Policy
    bank: DueInstalments | None = None  # where due instalments come from; None: the built-in ledger on `engine`

    @classmethod
    def load(
        cls, engine: Engine, menus_dir: Path, locales_dir: Path, bank: DueInstalments | None = None
    ) -> ReminderSetup:
        catalog, problems = load_catalog(locales_dir)
        if problems:
            raise ValueError("\n".join(problems))
        return cls(engine, catalog, load_policy(menus_dir / POLICY_FILE), bank)


def scan(setup: ReminderSetup, now: datetime) -> dict[str, object]:
    return asdict(scan_and_queue(setup.engine, setup.catalog, setup.policy, now, bank=setup.bank))


def send_due_now(setup: ReminderSetup, outbox: OutboxContext, now: datetime) -> Counter[str]:
    """Send, in this process, every outbox row whose window is open at `now` (reminders and the rest)."""
    tally: Counter[str] = Counter()
    batches = list(due_outbox_batches(setup.engine, now))  # read first: SQLite holds one writer at a time
    for batch in batches:
        tally.update(send_batch(outbox, batch))
    return tally
