"""RQ jobs. Arguments are plain ids; each worker process builds what the jobs need from Settings once.

    enqueue_outbox(queue, ids)  ->  send_outbox_batch(ids)     (gateway.sms.outbox)
    PERIODIC_JOBS               ->  requeue_pending_outbox(), sweep_outbox()   every minute
                                    scan_reminders()                            every half hour
"""

from __future__ import annotations

import threading

from gateway.reminders.runner import ReminderSetup, scan
from gateway.sms.outbox_context import OutboxContext
from gateway.sms.sender import send_batch
from gateway.sms.sweeper import requeue_pending, resolve_stuck

_lock = threading.Lock()
_context: list[OutboxContext] = []
_reminders: list[ReminderSetup] = []


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
    return build_outbox_context(settings, connect_redis(settings.redis_url), make_engine(settings.database_url),
                                utc_now)


def send_outbox_batch(ids: list[int]) -> dict[str, int]:
    """Send these outbox rows (those another job has not claimed); returns the tally of outcomes."""
    return send_batch(worker_context(), [int(outbox_id) for outbox_id in ids])


def requeue_pending_outbox() -> int:
    return requeue_pending(worker_context())


def sweep_outbox() -> dict[str, int]:
    return resolve_stuck(worker_context())


def reminder_setup() -> ReminderSetup:
    from gateway.config import Settings
    from gateway.storage.db import make_engine

    with _lock:
        if not _reminders:
            settings = Settings.from_env()
            _reminders.append(ReminderSetup.load(make_engine(settings.database_url), settings.menus_dir,
                                                 settings.locales_dir))
        return _reminders[0]


def scan_reminders() -> dict[str, object]:
    """Write the reminders due now (once per instalment and offset); the outbox sweep sends them in their window."""
    report = scan(reminder_setup(), worker_context().clock())
    requeue_pending_outbox()
    return report
