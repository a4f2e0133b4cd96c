"""One log line per failure cause per interval: an outage under load writes a few lines, not a traceback a request.

outages = OutageLog(log)
outages.failed("redis", exc)   # logs the first failure of each cause, then once per interval with a count
outages.recovered("redis")     # logs once when a part that failed answers again (cheap when it never failed)
ride_out(outages, "redis", (redis.ConnectionError,), client.ping)   # a process waiting for Redis to return
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

DEFAULT_INTERVAL_S = 60.0
MAX_DETAIL_CHARS = 160
FIRST_WAIT_S = 0.5
MAX_WAIT_S = 5.0

T = TypeVar("T")


class OutageLog:
    def __init__(
        self,
        logger: logging.Logger,
        interval_s: float = DEFAULT_INTERVAL_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._log, self._interval_s, self._clock = logger, interval_s, clock
        self._lock = threading.Lock()
        self._logged_at: dict[tuple[str, str], float] = {}
        self._suppressed: dict[tuple[str, str], int] = {}
        self._down: set[str] = set()

    def failed(self, part: str, error: BaseException) -> None:
        cause = (part, type(error).__name__)
        now = self._clock()
        with self._lock:
            self._down.add(part)
            last = self._logged_at.get(cause)
            if last is not None and now - last < self._interval_s:
                self._suppressed[cause] = self._suppressed.get(cause, 0) + 1
                return
            self._logged_at[cause] = now
            repeats = self._suppressed.pop(cause, 0)
        detail = str(error).replace("\n", " ")[:MAX_DETAIL_CHARS]
        more = f"; failures like it since the last line: {repeats}" if repeats else ""
        self._log.error("%s unavailable: %s: %s%s", part, cause[1], detail, more)

    def recovered(self, part: str) -> None:
        if part not in self._down:  # the normal path: one set lookup, no lock
            return
        with self._lock:
            if part not in self._down:
                return
            self._down.discard(part)
            for cause in [c for c in self._logged_at if c[0] == part]:
                del self._logged_at[cause]
            suppressed = sum(self._suppressed.pop(c, 0) for c in list(self._suppressed) if c[0] == part)
        self._log.warning("%s answers again; failures not logged one by one: %d", part, suppressed)

    def is_down(self, part: str) -> bool:
        return part in self._down


def ride_out(
    outages: OutageLog,
    part: str,
    errors: tuple[type[BaseException], ...],
    call: Callable[..., T],
    *args: Any,
    **kwargs: Any,
) -> T:
    """`call(*args, **kwargs)`, again and again with backoff (FIRST_WAIT_S doubling to MAX_WAIT_S) while it
    fails with one of `errors`; for long-running processes (the RQ worker, the scheduler), never a request.
    A signal handler that raises (RQ's stop request) ends the wait."""
    wait_s = FIRST_WAIT_S
    while True:
        try:
            result = call(*args, **kwargs)
        except errors as exc:
            outages.failed(part, exc)
            time.sleep(wait_s)
            wait_s = min(wait_s * 2, MAX_WAIT_S)
            continue
        outages.recovered(part)
        return result
