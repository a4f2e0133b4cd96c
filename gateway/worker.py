"""`python -m gateway.worker`: one RQ worker for the gateway's queues.

It runs `SimpleWorker` (jobs in the worker process, no fork per job): our jobs are short I/O-bound
calls (send a batch of SMS, scan reminders), and forking per job costs more than the job itself.
"""

from __future__ import annotations

import sys

from rq import Queue, SimpleWorker

from gateway import logs, safety
from gateway.config import Settings
from gateway.runtime import connect_redis

QUEUES = ("sms", "reminders", "scoring", "default")


def main() -> int:
    logs.configure()
    settings = Settings.from_env()
    safety.exit_if_unsafe(settings)  # production mode: refuse unsafe settings before working
    connection = connect_redis(settings.redis_url)
    queues = [Queue(name, connection=connection) for name in QUEUES]
    SimpleWorker(queues, connection=connection).work(with_scheduler=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
