"""How a worker talks to its provider: N sending threads, one rate limiter, claims sized to the rate.

    lanes = SendLanes(threads=8, limiter=TokenBucket(rate_per_s=100, burst=8))
    results = lanes.map(send, rows)              # in order; at most `threads` calls in flight

One `SendLanes` per worker process (in its OutboxContext): the threads and the bucket are shared by every
job the worker runs, so the provider's rate holds however the batches are cut. Threads only call the
provider; the database is touched by the job's own thread, before and after.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from gateway.sms.rate_limit import TokenBucket

DEFAULT_SEND_THREADS = 8
CLAIM_AHEAD_S = 60
"""A chunk holds no more rows than the rate sends in this time: a claimed row never waits for its turn
long enough for the sweeper (SENDING_STALE, minutes) to take its worker for dead."""
MAX_CHUNK = 500

T = TypeVar("T")
R = TypeVar("R")


class SendLanes:
    def __init__(self, threads: int = 1, limiter: TokenBucket | None = None) -> None:
        self.threads = max(1, threads)
        self.limiter = limiter or TokenBucket(0)
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    @property
    def chunk_size(self) -> int:
        if self.limiter.unlimited:
            return MAX_CHUNK
        return max(self.threads, min(MAX_CHUNK, int(self.limiter.rate_per_s * CLAIM_AHEAD_S)))

    def map(self, call: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """`call` on each item, at most `threads` at a time; results in the order of `items`."""
        todo = list(items)
        if self.threads == 1 or len(todo) <= 1:
            return [call(item) for item in todo]
        return list(self._executor().map(call, todo))

    def _executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="sms-send")
            return self._pool

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.shutdown(wait=True)
                self._pool = None
