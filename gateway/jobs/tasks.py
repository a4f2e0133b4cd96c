"""RQ job functions. Arguments are plain ids; each worker process builds what the jobs need from Settings once.

enqueue_outbox(queue, ids)  ->  send_outbox_batch(ids)     (gateway.sms.outbox)
PERIODIC_JOBS               ->  requeue_pending_outbox(), sweep_outbox()   every minute
                                scan_reminders()                            every half hour
purge_messages_job()                                                         daily
                                roll_up_funnels()                           every five minutes
"""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

from gateway.reminders.dispatch import dispatch_due
from gateway.reminders.runner import ReminderSetup, scan
from gateway.sms.outbox_context import OutboxContext
from gateway.sms.retention import purge_messages
from gateway.sms.sender import send_batch
from gateway.sms.sweeper import requeue_pending, resolve_stuck

_lock = threading.Lock()
_context: list[OutboxContext] = []
_reminders: list[ReminderSetup] = []
_funnels: list[Any] = []


def worker_context() -> OutboxContext:
    """The outbox context of this process, built from the environment's Settings on first use."""
    with _lock:
        if not _context:
            _context.append(_build())
        return _context[0]


def install_worker_context(context: OutboxContext | None) -> None:
    """Use `context` in this process (tests, the benchmark); None forgets it, so the next job rebuilds."""
    with _lock:
        _context.clear()
        if context is not None:
            _context.append(context)


def _build() -> OutboxContext:
    from gateway.config import Settings
    from gateway.runtime import connect_redis, utc_now
    from gateway.sms.wiring import build_outbox_context
    from gateway.storage.db import make_engine

    settings = Settings.from_env()
    return build_outbox_context(
        settings, connect_redis(settings.redis_url), make_engine(settings.database_url), utc_now
    )


def send_outbox_batch(ids: list[int]) -> dict[str, int]:
    """Send these outbox rows (those another job has not claimed); returns the tally of outcomes."""
    return send_batch(worker_context(), [int(outbox_id) for outbox_id in ids])


def requeue_pending_outbox() -> int:
    return requeue_pending(worker_context())


def sweep_outbox() -> dict[str, int]:
    return resolve_stuck(worker_context())


def sweep_effects() -> int:
    """Apply the effects a crash left between a commit and its effect (gateway/effects.py), once each."""
    from gateway.effects import effects_for_outbox

    return effects_for_outbox(worker_context()).sweep()


def reminder_setup() -> ReminderSetup:
    from gateway.config import Settings
    from gateway.storage.db import make_engine

    with _lock:
        if not _reminders:
            settings = Settings.from_env()
            _reminders.append(
                ReminderSetup.load(make_engine(settings.database_url), settings.menus_dir, settings.locales_dir)
            )
        return _reminders[0]


def install_reminder_setup(setup: ReminderSetup | None) -> None:
    """Use `setup` in this process (tests, the benchmark); None forgets it."""
    with _lock:
        _reminders.clear()
        if setup is not None:
            _reminders.append(setup)


def scan_reminders() -> dict[str, object]:
    """Write the reminders due now (once per instalment and offset), then queue send jobs for those whose
    window is open; `dispatch_reminders` queues the others when their window opens."""
    context = worker_context()
    report = scan(reminder_setup(), context.clock())
    report["dispatched"] = dispatch_reminders()
    return report


def dispatch_reminders() -> int:
    """Send jobs (batches of SEND_BATCH_SIZE ids) for due reminder rows no job holds yet; returns the rows."""
    context = worker_context()
    return dispatch_due(reminder_setup().engine, context.queue, context.clock())  # type: ignore[arg-type]


def purge_messages_job() -> dict[str, int]:
    """The scheduler's daily run, in the worker: this process's database and MESSAGE_RETENTION_DAYS."""
    from gateway.config import Settings

    context = worker_context()
    days = Settings.from_env().message_retention_days
    return purge_messages(context.sessions, context.clock(), timedelta(days=days))


def roll_up_funnels() -> int:
    """Move the drop-off counters from Redis into the database (gateway.funnels); returns the rows added to."""
    from gateway.config import Settings
    from gateway.funnels import roll_up
    from gateway.runtime import connect_redis

    engine = reminder_setup().engine  # the worker's database engine (takes the lock itself)
    with _lock:
        if not _funnels:
            _funnels.append(connect_redis(Settings.from_env().redis_url))
        client = _funnels[0]
    return roll_up(client, engine)
