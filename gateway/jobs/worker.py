"""`python -m gateway.jobs.worker`: one RQ worker for the gateway's queues.

It runs a `SimpleWorker` (jobs in the worker process, no fork per job): our jobs are short I/O-bound
calls (send a batch of SMS, scan reminders), and forking per job costs more than the job itself.

`GatewayWorker` rides out a Redis outage instead of quitting (it waits with backoff, logging one line per
cause per interval), and registers itself again when its keys vanished (a Redis restart or flush), so
`rq info` lists it again as soon as Redis is back.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from typing import Any, TypeVar

import redis
from rq import Queue, SimpleWorker, worker_registration
from rq.job import Job
from rq.utils import now, utcformat

from gateway import logs, safety
from gateway.config import Settings
from gateway.jobs.queues import QUEUES
from gateway.outages import MAX_WAIT_S, OutageLog, ride_out
from gateway.runtime import connect_redis

REDIS_DOWN = (redis.ConnectionError, redis.TimeoutError)

log = logging.getLogger(__name__)
T = TypeVar("T")


class GatewayWorker(SimpleWorker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.outages = OutageLog(log)

    def bootstrap(self, *args: Any, **kwargs: Any) -> None:
        self._wait_for_redis()
        self._riding_out(super().bootstrap, *args, **kwargs)

    def heartbeat(self, timeout: int | None = None, pipeline: Any = None) -> None:
        if pipeline is not None:
            super().heartbeat(timeout, pipeline)
        else:
            self._riding_out(self._heartbeat, timeout or self.worker_ttl + 60)

    def _heartbeat(self, timeout: int) -> None:
        self.last_heartbeat = now()
        if self.connection.hset(self.key, "last_heartbeat", utcformat(self.last_heartbeat)):
            self._register_again(timeout)  # the field was new: the worker's hash had vanished
        self.connection.expire(self.key, timeout)
        self.connection.expire(self.executions_key, timeout)

    def _register_again(self, timeout: int) -> None:
        with self.connection.pipeline() as pipeline:
            pipeline.hset(self.key, mapping={**self.serialize(), "state": self.get_state()})
            worker_registration.register(self, pipeline)
            pipeline.expire(self.key, timeout)
            pipeline.execute()
        log.warning("worker %s: its Redis keys were gone (a Redis restart?); registered again", self.name)

    def set_state(self, state: str, pipeline: Any = None) -> None:
        if pipeline is not None:
            super().set_state(state, pipeline)
        else:
            self._riding_out(super().set_state, state)

    def check_for_suspension(self, burst: bool) -> None:
        self._riding_out(super().check_for_suspension, burst)

    def run_maintenance_tasks(self) -> None:
        self._riding_out(super().run_maintenance_tasks)

    def execute_job(self, job: Job, queue: Queue) -> None:
        """A job cut off by an outage is not run again here: RQ's registries and the outbox sweep recover it."""
        try:
            super().execute_job(job, queue)
        except REDIS_DOWN as exc:
            self.outages.failed("redis", exc)
            self._wait_for_redis()

    def teardown(self) -> None:
        try:
            super().teardown()
        except REDIS_DOWN as exc:
            self.outages.failed("redis", exc)

    def _pubsub_exception_handler(self, exc: Exception, pubsub: Any, pubsub_thread: Any) -> None:
        """The command channel's thread: RQ logs every retry (every 2 s of an outage); log one line per interval."""
        if not isinstance(exc, REDIS_DOWN):
            super()._pubsub_exception_handler(exc, pubsub, pubsub_thread)
            return
        self.outages.failed("redis", exc)
        time.sleep(MAX_WAIT_S)

    def _wait_for_redis(self) -> None:
        self._riding_out(self.connection.ping)

    def _riding_out(self, call: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return ride_out(self.outages, "redis", REDIS_DOWN, call, *args, **kwargs)


def main() -> int:
    logs.configure()
    settings = Settings.from_env()
    safety.exit_if_unsafe(settings)  # production mode: refuse unsafe settings before working
    connection = connect_redis(settings.redis_url)
    queues = [Queue(name, connection=connection) for name in QUEUES]
    GatewayWorker(queues, connection=connection).work(with_scheduler=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
