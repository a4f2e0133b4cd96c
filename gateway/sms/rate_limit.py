"""A token bucket shared by a worker's sending threads: at most `rate_per_s` calls a second to one provider.

    bucket = TokenBucket(rate_per_s=100, burst=10)
    bucket.acquire()          # blocks until a token is free (at most `max_wait_s`), False if it timed out
    bucket.hold(30)           # the provider said 429 / Retry-After: nobody sends for 30 s

The rate is per worker process: with several workers, give each `provider rate / workers`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

DEFAULT_MAX_WAIT_S = 60.0
"""Longest a thread waits for a token before giving up on this round (the message is retried later)."""
_EPSILON = 1e-9  # float refills land a hair under a whole token
MAX_HOLD_S = 60.0
"""A Retry-After longer than this pauses the bucket only this long; the outbox backoff covers the rest."""


class TokenBucket:
    """Thread-safe. `rate_per_s` <= 0 means no limit."""

    def __init__(
        self,
        rate_per_s: float,
        burst: int = 1,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate_per_s = rate_per_s
        self.burst = max(1, burst)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tokens = float(self.burst)
        self._stamp = clock()
        self._held_until = 0.0

    @property
    def unlimited(self) -> bool:
        return self.rate_per_s <= 0

    def acquire(self, max_wait_s: float = DEFAULT_MAX_WAIT_S) -> bool:
        """Take one token, waiting for it; False when none came within `max_wait_s`."""
        if self.unlimited and not self._held_until:
            return True
        deadline = self._clock() + max_wait_s
        while True:
            wait_s = self._try_take()
            if wait_s <= 0:
                return True
            now = self._clock()
            if now + wait_s > deadline:
                return False
            self._sleep(wait_s)

    def hold(self, seconds: float) -> None:
        """No token for `seconds` (capped at MAX_HOLD_S): every thread waits, as the provider asked."""
        with self._lock:
            until = self._clock() + min(max(seconds, 0.0), MAX_HOLD_S)
            self._held_until = max(self._held_until, until)
            self._tokens, self._stamp = 0.0, max(self._stamp, until)  # refills only after the pause

    def _try_take(self) -> float:
        """0 when a token was taken, else the seconds to wait before trying again."""
        with self._lock:
            now = self._clock()
            if now < self._held_until:
                return self._held_until - now
            self._held_until = 0.0
            if self.unlimited:
                return 0.0
            self._tokens = min(float(self.burst), self._tokens + (now - self._stamp) * self.rate_per_s)
            self._stamp = now
            if self._tokens >= 1.0 - _EPSILON:
                self._tokens = max(0.0, self._tokens - 1.0)
                return 0.0
            return (1.0 - self._tokens) / self.rate_per_s
