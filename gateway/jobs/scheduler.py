"""`python -m gateway.jobs.scheduler`: RQ's cron scheduler with the gateway's periodic jobs."""

from __future__ import annotations

import sys

from gateway import logs, safety
from gateway.config import Settings
from gateway.jobs.cron import GatewayCronScheduler
from gateway.jobs.periodic import PERIODIC_JOBS
from gateway.jobs.queues import DEFAULT
from gateway.jobs.tasks import purge_messages_job
from gateway.runtime import connect_redis

PURGE_CRON = "17 2 * * *"
"""Message retention (gateway.jobs.tasks.purge_messages_job): daily at 02:17 in the scheduler's local time zone."""
PURGE_TIMEOUT_S = 600


def main() -> int:
    logs.configure()
    settings = Settings.from_env()
    safety.exit_if_unsafe(settings)  # production mode: refuse unsafe settings before working
    scheduler = GatewayCronScheduler(connection=connect_redis(settings.redis_url))
    for job in PERIODIC_JOBS:
        scheduler.register(
            job.func, queue_name=job.queue, interval=job.interval_s, cron=job.cron, job_timeout=job.timeout_s
        )
    scheduler.register(purge_messages_job, queue_name=DEFAULT, cron=PURGE_CRON, job_timeout=PURGE_TIMEOUT_S)
    scheduler.start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
