"""The periodic scan: for every (instalment, offset) due today in its borrower's local time, exactly
one reminder row and one outbox row (shared by two instalments of one borrower due the same day),
written in the same transaction, batch by batch.

    report = scan_and_queue(engine, catalog, policy, now=clock())

Run it as often as you like (hourly is plenty): a second run, or a second scanner running at the same
moment, writes nothing twice because the `reminders` table's unique key decides.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfoNotFoundError

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from gateway.banking.due_records import BorrowerInstalment, DueInstalments
from gateway.i18n import Catalog
from gateway.reminders.bulk import Outgoing, claim, link, queue_sms_many
from gateway.reminders.compose import in_messages, render_reminder
from gateway.reminders.contact import BankContact
from gateway.reminders.due import DEFAULT_BATCH_SIZE, Borrower, built_in_bank, due_batches, due_date_for
from gateway.reminders.policy import Policy, Rule
from gateway.reminders.windows import SendWindow, local_date, zone
from gateway.storage.sms_tables import OutboxStatus

PURPOSE = "reminder"

BatchCallback = Callable[[list[int]], None]


def idempotency_key(instalment_id: int, offset_days: int) -> str:
    return f"reminder:{instalment_id}:{offset_days}"


@dataclass
class ScanReport:
    instalments: int = 0  # instalments found due a reminder (not yet reminded at this offset)
    reminders: int = 0  # reminder rows this scan wrote
    messages: int = 0  # outbox rows this scan wrote
    suppressed: int = 0  # of those, suppressed at once (opted out)
    too_late: int = 0  # no window left (e.g. a due-date reminder scanned after the day's window)
    batches: int = 0
    unknown_zones: list[str] = field(default_factory=list)


def scan_and_queue(
    engine: Engine,
    catalog: Catalog,
    policy: Policy,
    now: datetime,
    batch_size: int = DEFAULT_BATCH_SIZE,
    on_batch: BatchCallback | None = None,
    *,
    bank: DueInstalments | None = None,
) -> ScanReport:
    """`on_batch` gets each committed batch's pending outbox ids (e.g. to enqueue one send job per batch).

    Due instalments come from `bank` (the built-in ledger on `engine` when None); reminder and outbox rows
    are written on `engine`.
    """
    report = ScanReport()
    bank = bank or built_in_bank(engine)
    for tz in bank.borrower_time_zones():
        try:
            zone(tz)
        except (ZoneInfoNotFoundError, ValueError):
            report.unknown_zones.append(tz)
            continue
        local_day = local_date(now, tz)
        for rule in policy.rules:
            _scan_rule(bank, engine, catalog, policy, rule, tz, local_day, now, batch_size, on_batch, report)
    return report


def _scan_rule(
    bank: DueInstalments,
    engine: Engine,
    catalog: Catalog,
    policy: Policy,
    rule: Rule,
    tz: str,
    local_day: date,
    now: datetime,
    batch_size: int,
    on_batch: BatchCallback | None,
    report: ScanReport,
) -> None:
    window = policy.send_window(rule, tz, due_date_for(rule, local_day), now)
    for batch in due_batches(bank, engine, rule, tz, local_day, batch_size=batch_size):
        report.batches += 1
        found = sum(len(borrower) for borrower in batch)
        report.instalments += found
        if window is None:
            report.too_late += found
            continue
        with Session(engine) as db, db.begin():
            pending = write_batch(db, catalog, rule, batch, window, now, report, policy.bank)
        if on_batch is not None and pending:
            on_batch(pending)


def write_batch(
    db: Session,
    catalog: Catalog,
    rule: Rule,
    batch: Sequence[Borrower],
    window: SendWindow,
    now: datetime,
    report: ScanReport,
    bank: BankContact,
) -> list[int]:
    """Claim, write outbox rows, link; returns the ids of the pending outbox rows written."""
    claimed = claim(db, [item.instalment_id for borrower in batch for item in borrower], rule.offset_days, now)
    report.reminders += len(claimed)
    groups: list[list[BorrowerInstalment]] = []
    for borrower in batch:
        mine = [item for item in borrower if item.instalment_id in claimed]
        groups.extend(list(message) for message in in_messages(mine))
    outgoing = [
        Outgoing(
            key=idempotency_key(group[0].instalment_id, rule.offset_days),
            to=group[0].msisdn,
            body=render_reminder(catalog, rule, group, bank),
            not_before=window.start,
            expires_at=window.end,
            required_by_contract=rule.required_by_contract,
        )
        for group in groups
    ]
    queued = queue_sms_many(db, outgoing, purpose=PURPOSE, now=now)
    link(
        db,
        {claimed[item.instalment_id]: q.outbox_id for group, q in zip(groups, queued, strict=True) for item in group},
    )
    report.messages += len(queued)
    report.suppressed += sum(q.status == OutboxStatus.SUPPRESSED.value for q in queued)
    return [q.outbox_id for q in queued if q.status == OutboxStatus.PENDING.value]
