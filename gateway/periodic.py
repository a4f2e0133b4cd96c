"""The periodic jobs the scheduler enqueues; the functions live in gateway.jobs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class PeriodicJob:
    func: Callable[..., Any]
    queue: str
    interval_s: int | None = None
    cron: str | None = None
    timeout_s: int = 600


PERIODIC_JOBS: tuple[PeriodicJob, ...] = ()
