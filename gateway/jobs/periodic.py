"""The periodic jobs the scheduler enqueues; the functions live in gateway.jobs.tasks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gateway.decisions.jobs import sweep_decisions
from gateway.jobs.queues import DEFAULT, REMINDERS, SCORING, SMS
from gateway.jobs.tasks import (
    dispatch_reminders,
    requeue_pending_outbox,
    roll_up_funnels,
    scan_reminders,
    sweep_effects,
    sweep_outbox,
)

OUTBOX_SWEEP_INTERVAL_S = 60
EFFECTS_SWEEP_INTERVAL_S = 60  # receipts a crash held back go out within about two minutes
REMINDER_SCAN_INTERVAL_S = 30 * 60  # a new local day starts in WIT, WITA and WIB an hour apart
REMINDER_DISPATCH_INTERVAL_S = 60  # reminders leave within a minute of their window opening
FUNNEL_ROLL_UP_INTERVAL_S = 5 * 60  # the console's drop-off figures lag the calls by at most this
DECISIONS_SWEEP_INTERVAL_S = 60  # unscored applications (a lost job, the SMS path) and loan-system retries


@dataclass(frozen=True)
class PeriodicJob:
    func: Callable[..., Any]
    queue: str
    interval_s: int | None = None
    cron: str | None = None
    timeout_s: int = 600


PERIODIC_JOBS: tuple[PeriodicJob, ...] = (
    PeriodicJob(requeue_pending_outbox, SMS, interval_s=OUTBOX_SWEEP_INTERVAL_S, timeout_s=120),
    PeriodicJob(sweep_outbox, SMS, interval_s=OUTBOX_SWEEP_INTERVAL_S, timeout_s=300),
    PeriodicJob(sweep_effects, SMS, interval_s=EFFECTS_SWEEP_INTERVAL_S, timeout_s=120),
    PeriodicJob(scan_reminders, REMINDERS, interval_s=REMINDER_SCAN_INTERVAL_S, timeout_s=1800),
    PeriodicJob(dispatch_reminders, REMINDERS, interval_s=REMINDER_DISPATCH_INTERVAL_S, timeout_s=300),
    PeriodicJob(sweep_decisions, SCORING, interval_s=DECISIONS_SWEEP_INTERVAL_S, timeout_s=300),
    PeriodicJob(roll_up_funnels, DEFAULT, interval_s=FUNNEL_ROLL_UP_INTERVAL_S, timeout_s=300),
)
