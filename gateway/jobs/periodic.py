"""The periodic jobs the scheduler enqueues; the functions live in gateway.jobs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gateway.jobs import requeue_pending_outbox, scan_reminders, sweep_outbox

OUTBOX_SWEEP_INTERVAL_S = 60
REMINDER_SCAN_INTERVAL_S = 30 * 60  # a new local day starts in WIT, WITA and WIB an hour apart


@dataclass(frozen=True)
class PeriodicJob:
    func: Callable[..., Any]
    queue: str
    interval_s: int | None = None
    cron: str | None = None
    timeout_s: int = 600


PERIODIC_JOBS: tuple[PeriodicJob, ...] = (
    PeriodicJob(requeue_pending_outbox, "sms", interval_s=OUTBOX_SWEEP_INTERVAL_S, timeout_s=120),
    PeriodicJob(sweep_outbox, "sms", interval_s=OUTBOX_SWEEP_INTERVAL_S, timeout_s=300),
    PeriodicJob(scan_reminders, "reminders", interval_s=REMINDER_SCAN_INTERVAL_S, timeout_s=1800),
)
