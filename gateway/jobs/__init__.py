"""RQ in one place: the job functions (`tasks`), the queues, the periodic schedule, the worker and the scheduler.

    python -m gateway.jobs.worker      one worker for every queue (gateway.jobs.queues)
    python -m gateway.jobs.scheduler   RQ's cron scheduler with PERIODIC_JOBS and the daily purge

The job functions are exported here so a job's dotted name (`gateway.jobs.send_outbox_batch`) stays the
same whichever module holds it: jobs already queued in Redis survive a deploy.
"""

from gateway.jobs.tasks import (
    install_worker_context,
    purge_messages_job,
    requeue_pending_outbox,
    scan_reminders,
    send_outbox_batch,
    sweep_outbox,
    worker_context,
)

__all__ = [
    "install_worker_context",
    "purge_messages_job",
    "requeue_pending_outbox",
    "scan_reminders",
    "send_outbox_batch",
    "sweep_outbox",
    "worker_context",
]
