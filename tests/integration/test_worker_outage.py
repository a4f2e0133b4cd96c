"""The RQ worker (`python -m gateway.jobs.worker`) lives through a Redis outage and is listed again after a restart."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from rq import Worker

from tests.conftest import ROOT
from tests.redis_server import RedisServer, redis_server

WAIT_S = 30.0


def eventually(check: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT_S
    while not check():
        assert time.monotonic() < deadline, f"waited {WAIT_S:.0f} s for {what}"
        time.sleep(0.1)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RedisServer]:
    with redis_server(tmp_path) as running:
        yield running


@pytest.fixture
def worker(server: RedisServer, tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    env = dict(os.environ, REDIS_URL=server.url, DATABASE_URL=f"sqlite:///{tmp_path / 'bank.db'}")
    log = (tmp_path / "worker.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "gateway.jobs.worker"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
    )
    yield process
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    log.close()


def listed(server: RedisServer) -> bool:
    client = redis.Redis.from_url(server.url, socket_timeout=1, socket_connect_timeout=1)
    try:
        return len(Worker.all(connection=client)) == 1
    except redis.ConnectionError:
        return False
    finally:
        client.close()


def test_the_worker_registers_again_after_a_redis_restart(
    server: RedisServer, worker: subprocess.Popen[bytes], tmp_path: Path
) -> None:
    eventually(lambda: listed(server), "the worker to register")
    server.kill()
    eventually(lambda: b"redis unavailable" in (tmp_path / "worker.log").read_bytes(), "the worker to see the outage")
    assert worker.poll() is None, "the worker must ride out the outage"
    server.start()  # a fresh server: the worker's keys are gone
    eventually(lambda: listed(server), "the worker to register again")
    assert worker.poll() is None


def test_the_cron_scheduler_rides_out_a_redis_restart_and_registers_again(server: RedisServer) -> None:
    from rq.cron import CronScheduler

    from gateway.jobs.cron import GatewayCronScheduler
    from gateway.runtime import connect_redis

    scheduler = GatewayCronScheduler(connection=connect_redis(server.url))
    scheduler.register_birth()
    assert [s.name for s in CronScheduler.all(connection=scheduler.connection)] == [scheduler.name]
    server.kill()
    beat = threading.Thread(target=scheduler.heartbeat, daemon=True)  # RQ's own would raise and end the loop
    beat.start()
    eventually(lambda: scheduler.outages.is_down("redis"), "the scheduler to see the outage")
    server.start()
    beat.join(WAIT_S)
    assert not beat.is_alive()
    assert [s.name for s in CronScheduler.all(connection=scheduler.connection)] == [scheduler.name]
