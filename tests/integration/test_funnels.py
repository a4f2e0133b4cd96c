"""Drop-off counters: counted in the session save, rolled up into the database, read per screen and as funnels."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import redis
from sqlalchemy.orm import Session

from gateway import redis_keys
from gateway.funnels import ScreenStats, funnel, local_day, median_seconds, roll_up, screen_stats
from tests.transcript_support import CLOCK, demo_app
from tests.ussd_support import AfricasTalkingPhone

STRANGER = "+6281299990077"
STRANGERS = ("+6281299990077", "+6281299990078", "+6281299990079")


def by_screen(stats: list[ScreenStats]) -> dict[str, ScreenStats]:
    return {row.screen: row for row in stats}


def test_calls_are_counted_per_screen_without_phone_numbers(tmp_path: Path, redis_client: redis.Redis) -> None:
    app = demo_app(tmp_path / "bank.db")
    rt = app.extensions["jembatan"]
    client = app.test_client()
    finished = AfricasTalkingPhone(client, STRANGERS[0], "f-1")
    finished.dial()
    finished.send("2")  # help
    finished.send("x")  # refused
    finished.send("2")  # opening hours: END
    dropped = AfricasTalkingPhone(client, STRANGERS[1], "f-2")
    dropped.dial()
    dropped.send("2")  # help, then the caller hangs up
    back = AfricasTalkingPhone(client, STRANGERS[2], "f-3")
    back.dial()
    back.send("1")  # language
    back.send("0")  # back to the guest menu, then the caller hangs up

    for phone in STRANGERS:
        counters = redis_keys.funnel_counts(phone)
        fields = [field.decode() for field in redis_client.hkeys(counters)]
        assert fields and all(phone not in field and phone[1:] not in field for field in fields)
        assert redis_client.ttl(counters) > 0

    assert roll_up(rt.redis, rt.db_engine) > 0
    assert redis_client.exists(*(redis_keys.funnel_counts(phone) for phone in STRANGERS)) == 0
    assert roll_up(rt.redis, rt.db_engine) == 0  # nothing twice

    day = local_day(CLOCK)
    with Session(rt.db_engine) as session:
        stats = by_screen(screen_stats(session, since=day, until=day))
        release = rt.menus.current.menu.version
        assert by_screen(screen_stats(session, release=release[:10], since=day, until=day)) == stats
        assert screen_stats(session, release="0000000000") == []
        assert screen_stats(session, since=date(2001, 1, 1), until=date(2001, 1, 2)) == []
        steps = funnel(session, ["guest", "help", "help_hours"], since=day, until=day)
        named = funnel(session, "registration", since=day, until=day)
    guest, help_screen, hours = stats["guest"], stats["help"], stats["help_hours"]
    assert (guest.arrived, guest.went_on, guest.back, guest.timed_out) == (4, 3, 0, 1)
    assert (help_screen.arrived, help_screen.invalid, help_screen.went_on, help_screen.timed_out) == (2, 1, 1, 1)
    assert (hours.arrived, hours.ended, hours.timed_out) == (1, 1, 0)
    assert sum(guest.dwell) == 3 and guest.median_s is not None
    assert [(step.screen, step.sessions) for step in steps] == [("guest", 4), ("help", 2), ("help_hours", 1)]
    assert named[0].screen == "main"
    language = stats["language"]
    assert (language.arrived, language.back) == (1, 1)


def test_a_second_roll_up_adds_to_the_same_rows(tmp_path: Path, redis_client: redis.Redis) -> None:
    app = demo_app(tmp_path / "bank.db")
    rt = app.extensions["jembatan"]
    client = app.test_client()
    for n in range(2):
        AfricasTalkingPhone(client, STRANGER, f"r-{n}").dial()
        roll_up(rt.redis, rt.db_engine)
    with Session(rt.db_engine) as session:
        assert by_screen(screen_stats(session))["guest"].arrived == 2


def test_the_median_is_read_from_the_buckets() -> None:
    assert median_seconds([0] * 11) is None
    assert median_seconds([0, 4] + [0] * 9) == 3.5  # all between 2 and 5 s: the middle of that bucket
    assert median_seconds([1, 0, 0, 1] + [0] * 7) == 2.0
