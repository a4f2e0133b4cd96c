"""Handing queued reminders to the `sms` queue: one RQ job per batch of outbox ids, never one per SMS.

    dispatch_due(engine, queue, now)     # production: the scan job, and every minute (a window opens)

    for ids in due_outbox_batches(engine, now):         # pending reminders whose window has opened
        ...
    enqueue_send_batches(queue, due_outbox_batches(engine, now), SEND_JOB)

`dispatch_due` takes the due rows no job holds yet (`enqueued_at` empty), marks them enqueued and queues
them: the outbox sweeper (500 rows a minute) is only the safety net for a job lost after this.

Jobs are written with `Queue.enqueue_many` through one Redis pipeline per PIPELINE_JOBS jobs. The
send job must claim each row (pending -> sending) and call `still_wanted` before the provider, so a
batch enqueued twice sends nothing twice.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice

from rq import Queue
from sqlalchemy import Engine, select, update

from gateway.sms.outbox import SEND_JOB
from gateway.storage.sms_tables import OutboxRow, OutboxStatus

SEND_BATCH_SIZE = 500  # outbox ids per send job
PIPELINE_JOBS = 200  # jobs per Redis pipeline round trip
SEND_JOB_TIMEOUT_S = 600
PURPOSE = "reminder"


def due_outbox_batches(engine: Engine, now: datetime, batch_size: int = SEND_BATCH_SIZE) -> Iterator[list[int]]:
    """Ids of pending reminder rows whose window has opened (not_before <= now), in batches.

    One query, streamed (a server-side cursor on PostgreSQL): no page re-reads what the last one read.
    """
    query = (
        select(OutboxRow.id)
        .where(
            OutboxRow.purpose == PURPOSE,
            OutboxRow.status == OutboxStatus.PENDING.value,
            OutboxRow.not_before <= now,
            OutboxRow.enqueued_at.is_(None),
        )
        .order_by(OutboxRow.id)
    )
    with engine.connect() as reader:
        result = reader.execution_options(stream_results=True, yield_per=batch_size).execute(query)
        for chunk in result.scalars().partitions(batch_size):
            yield list(chunk)


def enqueue_send_batches(
    queue: Queue,
    batches: Iterable[list[int]],
    send_func: str,
    timeout_s: int = SEND_JOB_TIMEOUT_S,
) -> int:
    """One job `send_func(ids)` per batch (`send_func` an import path); returns the number of jobs."""
    jobs = 0
    batch_iter = iter(batches)
    while True:
        chunk = list(islice(batch_iter, PIPELINE_JOBS))
        if not chunk:
            return jobs
        with queue.connection.pipeline() as pipe:
            queue.enqueue_many(
                [queue.prepare_data(send_func, args=(ids,), timeout=timeout_s) for ids in chunk], pipeline=pipe
            )
            pipe.execute()
        jobs += len(chunk)


def dispatch_due(engine: Engine, queue: Queue, now: datetime, batch_size: int = SEND_BATCH_SIZE) -> int:
    """Queue a send job per batch of due reminder rows no job holds; returns the number of rows."""
    batches = list(due_outbox_batches(engine, now, batch_size))  # read first: SQLite holds one writer at a time
    for ids in batches:
        with engine.begin() as connection:
            connection.execute(
                update(OutboxRow).where(OutboxRow.id.in_(ids), OutboxRow.enqueued_at.is_(None)).values(enqueued_at=now)
            )
    enqueue_send_batches(queue, batches, SEND_JOB)
    return sum(len(ids) for ids in batches)
