"""The sending threads' token bucket and lanes, on a fake clock (no sleeping, no wall clock)."""

from __future__ import annotations

import threading

from gateway.sms.lanes import CLAIM_AHEAD_S, MAX_CHUNK, SendLanes
from gateway.sms.rate_limit import MAX_HOLD_S, TokenBucket


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def bucket(rate: float, burst: int = 1) -> tuple[TokenBucket, FakeTime]:
    time = FakeTime()
    return TokenBucket(rate, burst, clock=time.clock, sleep=time.sleep), time


def test_the_rate_holds_after_the_burst() -> None:
    limiter, time = bucket(10, burst=5)
    for _ in range(25):
        assert limiter.acquire()
    assert abs((time.now - 100.0) - 2.0) < 1e-6  # 5 at once, then 20 at 10 a second


def test_unlimited_never_waits() -> None:
    limiter, time = bucket(0)
    assert all(limiter.acquire() for _ in range(1000)) and time.slept == []


def test_a_429_holds_every_caller_for_its_retry_after() -> None:
    limiter, time = bucket(0)
    limiter.hold(3)
    assert limiter.acquire()
    assert abs((time.now - 100.0) - 3.0) < 1e-6
    limiter.hold(10 * MAX_HOLD_S)
    started = time.now
    assert limiter.acquire(max_wait_s=2 * MAX_HOLD_S)
    assert abs((time.now - started) - MAX_HOLD_S) < 1e-6  # capped: the outbox backoff covers the rest


def test_no_token_within_the_wait_gives_up() -> None:
    limiter, _ = bucket(1)
    assert limiter.acquire()
    assert not limiter.acquire(max_wait_s=0.5)


def test_threads_share_one_bucket() -> None:
    limiter = TokenBucket(0.001, burst=100)  # no refill to speak of during the test
    taken: list[bool] = []
    lock = threading.Lock()

    def take() -> None:
        for _ in range(100):
            got = limiter.acquire(max_wait_s=0)
            with lock:
                taken.append(got)

    workers = [threading.Thread(target=take) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=10)
    assert (taken.count(True), len(taken)) == (100, 800)  # the burst, once, however many threads ask


def test_lanes_keep_order_and_size_chunks_to_the_rate() -> None:
    lanes = SendLanes(threads=4)
    try:
        assert lanes.map(lambda n: n * n, range(50)) == [n * n for n in range(50)]
    finally:
        lanes.close()
    assert SendLanes(threads=4).chunk_size == MAX_CHUNK
    assert SendLanes(threads=4, limiter=TokenBucket(1)).chunk_size == CLAIM_AHEAD_S
    assert SendLanes(threads=8, limiter=TokenBucket(0.01)).chunk_size == 8
