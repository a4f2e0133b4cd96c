from __future__ import annotations

import logging

import pytest

from gateway.outages import OutageLog

LOGGER = "tests.outages"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER]


def test_one_line_per_cause_per_interval_then_a_count_of_the_rest(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    outages = OutageLog(logging.getLogger(LOGGER), interval_s=60, clock=clock)
    with caplog.at_level(logging.INFO, LOGGER):
        for _ in range(100):
            outages.failed("redis", ConnectionError("refused"))
        outages.failed("redis", TimeoutError("no answer"))
        clock.now += 59
        outages.failed("redis", ConnectionError("refused"))
        clock.now += 1
        outages.failed("redis", ConnectionError("refused"))
    assert lines(caplog) == [
        "redis unavailable: ConnectionError: refused",
        "redis unavailable: TimeoutError: no answer",
        "redis unavailable: ConnectionError: refused; failures like it since the last line: 100",
    ]
    assert not [r for r in caplog.records if r.exc_info]


def test_recovery_is_logged_once_and_a_new_outage_logs_again(caplog: pytest.LogCaptureFixture) -> None:
    outages = OutageLog(logging.getLogger(LOGGER), interval_s=60, clock=Clock())
    with caplog.at_level(logging.INFO, LOGGER):
        outages.recovered("redis")  # never failed: nothing to say
        outages.failed("redis", ConnectionError("refused"))
        outages.failed("redis", ConnectionError("refused"))
        assert outages.is_down("redis")
        outages.recovered("redis")
        outages.recovered("redis")
        outages.failed("redis", ConnectionError("refused"))
    assert lines(caplog) == [
        "redis unavailable: ConnectionError: refused",
        "redis answers again; failures not logged one by one: 1",
        "redis unavailable: ConnectionError: refused",
    ]


def test_parts_are_counted_apart_and_details_stay_on_one_short_line(caplog: pytest.LogCaptureFixture) -> None:
    outages = OutageLog(logging.getLogger(LOGGER), clock=Clock())
    with caplog.at_level(logging.INFO, LOGGER):
        outages.failed("redis", ConnectionError("refused"))
        outages.failed("bank", ConnectionError("line one\nline two " + "x" * 500))
    redis_line, bank_line = lines(caplog)
    assert redis_line.startswith("redis unavailable")
    assert bank_line.startswith("bank unavailable: ConnectionError: line one line two")
    assert "\n" not in bank_line and len(bank_line) < 250
