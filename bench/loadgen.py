"""Load on loopback only: `wrk` when it is installed (or can be), else the pure-Python client.

`run_load(port, workload, duration_s, connections)` sends the workload's walk to 127.0.0.1:port and
returns requests/s, p50, p99 (ms), errors (non-2xx and socket errors) and unexpected replies. Without
wrk on the PATH, a root user with apt-get gets one quiet `apt-get install -y wrk` attempt per process
(with an `apt-get update` first if the plain install fails on stale lists); otherwise, or when that
fails, the Python client runs instead, so a newcomer still gets figures.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from enum import Enum

from bench.figures import LoadResult
from bench.pyload import run_python
from bench.workload import Workload
from bench.wrk_driver import run_wrk

__all__ = ["MAX_CONNECTIONS", "MAX_DURATION_S", "Engine", "find_wrk", "run_load"]

MAX_DURATION_S = 600.0
MAX_CONNECTIONS = 256
APT_TIMEOUT_S = 300


class Engine(str, Enum):
    AUTO = "auto"
    WRK = "wrk"
    PYTHON = "python"


def _apt_get(*args: str) -> bool:
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    try:
        done = subprocess.run(
            ["apt-get", "-qq", *args],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=APT_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


@functools.cache
def _install_wrk_once() -> str | None:
    if os.name != "posix" or os.geteuid() != 0 or shutil.which("apt-get") is None:
        return None
    print("bench: wrk is not installed; trying 'apt-get install -y wrk' once ...", flush=True)
    if not _apt_get("install", "-y", "wrk") and _apt_get("update"):
        _apt_get("install", "-y", "wrk")
    found = shutil.which("wrk")
    print(f"bench: {'installed ' + found if found else 'could not install wrk; using the Python client'}", flush=True)
    return found


def find_wrk(install: bool = True) -> str | None:
    return shutil.which("wrk") or (_install_wrk_once() if install else None)


def run_load(
    port: int, workload: Workload, duration_s: float, connections: int, engine: Engine = Engine.AUTO
) -> LoadResult:
    if not 0 < duration_s <= MAX_DURATION_S:
        raise ValueError(f"duration must be in (0, {MAX_DURATION_S:.0f}] seconds")
    if not 0 < connections <= MAX_CONNECTIONS:
        raise ValueError(f"connections must be in 1..{MAX_CONNECTIONS}")
    if not 0 < port < 65536:
        raise ValueError("not a port")
    wrk = find_wrk() if engine is not Engine.PYTHON else None
    if engine is Engine.WRK and wrk is None:
        raise RuntimeError("wrk was asked for but is not installed")
    if wrk is not None:
        return run_wrk(wrk, port, workload, duration_s, connections)
    return run_python(port, workload, duration_s, connections)
