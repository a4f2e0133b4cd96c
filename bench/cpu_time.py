"""CPU seconds spent by the servers under test (Linux `/proc`), to put beside requests/s.

On a shared 2-core machine requests/s swing with the neighbours; CPU time per request swings much less and
says where a difference comes from: the app's own processes (the gunicorn master and workers, one process
group) or the Redis server (its `process_id` from `INFO`, when it runs on this machine).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import redis

__all__ = ["CpuSample", "group_cpu_s", "local_redis_pid", "process_cpu_s"]

PROC = Path("/proc")
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of one process; 0.0 when it is gone or /proc is not there."""
    try:
        fields = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime (fields 14 and 15 of stat(5))


def group_cpu_s(pgid: int) -> float:
    """CPU seconds of every live process in a process group (a gunicorn started in its own session)."""
    total = 0.0
    for entry in PROC.iterdir() if PROC.exists() else ():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == pgid:
                    total += process_cpu_s(int(entry.name))
            except OSError:
                continue
    return total


def local_redis_pid(url: str) -> int | None:
    """The Redis server's pid when it listens on this machine's loopback, else None."""
    client = redis.Redis.from_url(url, socket_timeout=2)
    try:
        kwargs = client.connection_pool.connection_kwargs
        if kwargs.get("path") is None and str(kwargs.get("host", "")) not in LOOPBACK:
            return None
        pid = int(client.info("server").get("process_id", 0))
    except (redis.RedisError, ValueError):
        return None
    finally:
        client.close()
    return pid if pid > 0 and (PROC / str(pid)).exists() else None


@dataclass
class CpuSample:
    """CPU seconds of an app's process group and of Redis over the runs measured, and their requests."""

    app_s: float = 0.0
    redis_s: float = 0.0
    requests: int = 0

    def per_request_us(self) -> tuple[float, float]:
        if not self.requests:
            return 0.0, 0.0
        return 1e6 * self.app_s / self.requests, 1e6 * self.redis_s / self.requests
