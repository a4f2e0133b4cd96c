"""What a turn did on the screens, for the drop-off counters."""

from __future__ import annotations

from dataclasses import replace

from gateway.engine.state import SessionState
from gateway.engine.turns import DWELL_EDGES_S, dwell_bucket, turn_events

AT_MAIN = SessionState(menu_version="v1", screen="main", lang="id")


def test_a_new_session_arrives_at_its_first_screen() -> None:
    assert turn_events(None, AT_MAIN, None, end=False) == [("main", "arrived")]


def test_moving_on_and_going_back() -> None:
    help_screen = replace(AT_MAIN, screen="help")
    assert turn_events(AT_MAIN, help_screen, "7", end=False) == [("main", "went_on"), ("help", "arrived")]
    assert turn_events(help_screen, AT_MAIN, "0", end=False) == [("help", "back"), ("main", "arrived")]
    assert turn_events(help_screen, AT_MAIN, "00", end=False) == [("help", "back"), ("main", "arrived")]


def test_a_refused_answer_is_invalid_and_paging_is_nothing() -> None:
    refused = replace(AT_MAIN, notice=["engine.invalid.choice", {"count": 3}, 0])
    assert turn_events(AT_MAIN, refused, "x", end=False) == [("main", "invalid")]
    assert turn_events(refused, refused, "y", end=False) == [("main", "invalid")]
    assert turn_events(refused, replace(refused, page=1), "99", end=False) == []
    assert turn_events(AT_MAIN, replace(AT_MAIN, page=1), "99", end=False) == []


def test_an_end_is_counted_where_it_ends() -> None:
    hours = replace(AT_MAIN, screen="help_hours")
    assert turn_events(AT_MAIN, hours, "2", end=True) == [
        ("main", "went_on"),
        ("help_hours", "arrived"),
        ("help_hours", "ended"),
    ]


def test_time_spent_falls_in_buckets() -> None:
    assert dwell_bucket(0) == 0
    assert dwell_bucket(2) == 0
    assert dwell_bucket(2.5) == 1
    assert dwell_bucket(DWELL_EDGES_S[-1] + 1) == len(DWELL_EDGES_S)
