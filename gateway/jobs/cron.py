"""RQ's cron scheduler, made to ride out a Redis outage instead of dying with it.

RQ's `CronScheduler.start` loop ends on the first Redis error (and its `finally` fails again), so one Redis
restart would stop every periodic job until someone restarts the process. `GatewayCronScheduler` retries
each Redis step with backoff (gateway.outages.ride_out, one log line per cause per interval); its own
heartbeat already registers it again when a restarted Redis lost its keys.
"""

from __future__ import annotations

import logging
from typing import Any

import redis
from rq.cron import CronJob, CronScheduler

from gateway.outages import OutageLog, ride_out

REDIS_DOWN = (redis.ConnectionError, redis.TimeoutError)
log = logging.getLogger(__name__)


class GatewayCronScheduler(CronScheduler):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outages = OutageLog(log)

    def register_birth(self) -> None:
        ride_out(self.outages, "redis", REDIS_DOWN, super().register_birth)

    def enqueue_jobs(self) -> list[CronJob]:
        """A retry after a failure part-way may enqueue a due job twice; the periodic jobs are idempotent."""
        return ride_out(self.outages, "redis", REDIS_DOWN, super().enqueue_jobs)

    def save(self, pipeline: Any = None) -> None:
        if pipeline is not None:
            super().save(pipeline)
        else:
            ride_out(self.outages, "redis", REDIS_DOWN, super().save)

    def heartbeat(self) -> None:
        ride_out(self.outages, "redis", REDIS_DOWN, super().heartbeat)

    def register_death(self, pipeline: Any = None) -> None:
        try:
            super().register_death(pipeline)
        except REDIS_DOWN as exc:  # shutting down while Redis is away: its registry entry expires by itself
            self.outages.failed("redis", exc)
