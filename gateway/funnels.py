"""Where callers drop off: counted on the hop, rolled up into the database, read by the console.

Counting: the dialog turns each hop into `(screen, event)` pairs (`gateway.engine.turns`) plus the time the
caller spent on the screen they answered (from the session record's remaining TTL), and the session save
script adds them to the caller's counter hash (`redis_keys.funnel_counts`, fields `day|release|screen|event`)
in the same round trip. No phone number is kept: a field names a screen, never a caller.

Rolling up: `roll_up` (an RQ job every few minutes, gateway.jobs) takes each caller's hash (read and
deleted in one step) and adds the counts to `hop_funnels` rows (day, release, screen) in one transaction.

Reading (the operator console): `screen_stats(session, release, since, until)` and
`funnel(session, name_or_screens, release, since, until)`. Days are local days in `FUNNEL_TIMEZONE`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import redis
import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gateway import redis_keys
from gateway.engine.turns import DWELL_EDGES_S, EVENTS, dwell_bucket
from gateway.storage.funnel_tables import COUNT_COLUMNS, DWELL_COLUMNS, RELEASE_LENGTH, SCREEN_LENGTH, hop_funnels

__all__ = [
    "FUNNELS",
    "FunnelStep",
    "ScreenStats",
    "counter_fields",
    "funnel",
    "roll_up",
    "screen_stats",
]

FUNNEL_TIMEZONE = ZoneInfo("Asia/Jakarta")
"""Whose calendar a day is (WIB, where most of the bank's callers live)."""
ROLL_UP_BATCH = 500
"""Callers' hashes read per scan step and written per transaction."""
SEPARATOR = "|"
FUNNELS: Mapping[str, tuple[str, ...]] = {
    "loan_application": (
        "main",
        "loans",
        "loan_product",
        "loan_tenor",
        "loan_amount",
        "loan_purpose",
        "loan_consent",
        "loan_disclosure",
        "loan_disclosure_agree",
        "loan_submitted",
    ),
    "registration": (
        "main",
        "register_intro",
        "register_code",
        "register_new_pin",
        "register_confirm_pin",
        "register_done",
    ),
}
"""The journeys the console draws, by the screens a caller sees along them (from the dial's main menu)."""

_TAKE = """
local counts = redis.call('HGETALL', KEYS[1])
redis.call('DEL', KEYS[1])
return counts
"""


def local_day(now: datetime) -> date:
    return now.astimezone(FUNNEL_TIMEZONE).date()


def counter_fields(
    day: date, release: str, events: Iterable[tuple[str, str]], dwell: tuple[str, float] | None
) -> list[str]:
    """The hash fields a hop adds one to: its events, and the time spent on the screen it answered."""
    prefix = f"{day.isoformat()}{SEPARATOR}{release[:RELEASE_LENGTH]}{SEPARATOR}"
    fields = [f"{prefix}{screen[:SCREEN_LENGTH]}{SEPARATOR}{event}" for screen, event in events]
    if dwell is not None:
        screen, seconds = dwell
        fields.append(f"{prefix}{screen[:SCREEN_LENGTH]}{SEPARATOR}{DWELL_COLUMNS[dwell_bucket(seconds)]}")
    return fields


Key = tuple[date, str, str]


def _parse(fields: Mapping[bytes, bytes], into: dict[Key, dict[str, int]]) -> None:
    for raw_field, raw_count in fields.items():
        try:
            day, release, screen, column = raw_field.decode().split(SEPARATOR)
            key = (date.fromisoformat(day), release, screen)
            count = int(raw_count)
        except ValueError:
            continue  # not a field this code writes: skipped rather than stopping the roll-up
        if column in COUNT_COLUMNS:
            row = into.setdefault(key, {})
            row[column] = row.get(column, 0) + count


def roll_up(client: redis.Redis, engine: Engine, limit: int = ROLL_UP_BATCH) -> int:
    """Move every caller's counters into `hop_funnels`; returns how many (day, release, screen) rows it added to.

    Each hash is read and deleted at once, so a hop counting meanwhile starts a new one. Should the database
    write fail, the counts are put back into Redis for the next run."""
    take = client.register_script(_TAKE)
    totals: dict[Key, dict[str, int]] = {}
    taken: list[tuple[str, Mapping[bytes, bytes]]] = []
    for name in client.scan_iter(match=redis_keys.FUNNEL_COUNTS_MATCH, count=limit):
        flat = take(keys=[name])
        fields = dict(zip(flat[::2], flat[1::2], strict=True))
        taken.append((name.decode() if isinstance(name, bytes) else name, fields))
        _parse(fields, totals)
    if not totals:
        return 0
    try:
        _add(engine, totals)
    except Exception:
        _put_back(client, taken)
        raise
    return len(totals)


def _add(engine: Engine, totals: Mapping[Key, Mapping[str, int]]) -> None:
    with engine.begin() as connection:
        for (day, release, screen), counts in totals.items():
            where = (hop_funnels.c.day == day) & (hop_funnels.c.release == release) & (hop_funnels.c.screen == screen)
            added = {name: hop_funnels.c[name] + value for name, value in counts.items()}
            if connection.execute(sa.update(hop_funnels).where(where).values(added)).rowcount == 0:
                try:
                    with connection.begin_nested():
                        connection.execute(
                            sa.insert(hop_funnels).values(day=day, release=release, screen=screen, **counts)
                        )
                except IntegrityError:  # another roll-up inserted the row meanwhile
                    connection.execute(sa.update(hop_funnels).where(where).values(added))


def _put_back(client: redis.Redis, taken: Sequence[tuple[str, Mapping[bytes, bytes]]]) -> None:
    for name, fields in taken:
        with client.pipeline(transaction=False) as pipe:
            for field, count in fields.items():
                pipe.hincrby(name, field, int(count))
            pipe.expire(name, redis_keys.FUNNEL_COUNTS_TTL_S)
            pipe.execute()


@dataclass(frozen=True)
class ScreenStats:
    day: date
    release: str
    screen: str
    arrived: int
    went_on: int
    back: int
    invalid: int
    ended: int
    timed_out: int
    """Sessions that expired on this screen without an END: arrived less those that left or ended."""
    median_s: float | None
    """Median time spent on the screen (seconds, interpolated within its bucket); None without any."""
    dwell: tuple[int, ...]
    """Times spent, counted per bucket of `DWELL_EDGES_S`."""


@dataclass(frozen=True)
class FunnelStep:
    screen: str
    sessions: int
    """Arrivals at this screen over the days asked for."""


def _release_filter(release: str | None) -> Any:
    """A full release hash or the start of one (the console shows 10-12 characters)."""
    if not release:
        return sa.true()
    return hop_funnels.c.release.startswith(release, autoescape=True)


def screen_stats(
    session: Session, release: str | None = None, since: date | None = None, until: date | None = None
) -> list[ScreenStats]:
    """Per day, release and screen, oldest day first; `release` None for every release."""
    query = sa.select(hop_funnels).where(_release_filter(release))
    if since is not None:
        query = query.where(hop_funnels.c.day >= since)
    if until is not None:
        query = query.where(hop_funnels.c.day <= until)
    rows = session.execute(query.order_by(hop_funnels.c.day, hop_funnels.c.release, hop_funnels.c.screen))
    return [_stats(row._mapping) for row in rows]


def _stats(row: Mapping[Any, Any]) -> ScreenStats:
    counts = {name: int(row[name]) for name in EVENTS}
    dwell = tuple(int(row[name]) for name in DWELL_COLUMNS)
    left = counts["went_on"] + counts["back"] + counts["ended"]
    return ScreenStats(
        day=row["day"],
        release=row["release"],
        screen=row["screen"],
        timed_out=max(0, counts["arrived"] - left),
        median_s=median_seconds(dwell),
        dwell=dwell,
        **counts,
    )


def median_seconds(dwell: Sequence[int]) -> float | None:
    """The median of times counted in buckets, interpolated linearly within the bucket that holds it."""
    total = sum(dwell)
    if total == 0:
        return None
    half, seen = total / 2, 0
    for bucket, count in enumerate(dwell):
        if count and seen + count >= half:
            low = DWELL_EDGES_S[bucket - 1] if bucket else 0
            high = DWELL_EDGES_S[bucket] if bucket < len(DWELL_EDGES_S) else DWELL_EDGES_S[-1] * 2
            return round(low + (high - low) * (half - seen) / count, 1)
        seen += count
    return None


def funnel(
    session: Session,
    steps: str | Sequence[str],
    release: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> list[FunnelStep]:
    """Arrivals at each screen of a journey (`FUNNELS` names them, or pass the screen ids), in its order."""
    screens = FUNNELS[steps] if isinstance(steps, str) else tuple(steps)
    query = (
        sa.select(hop_funnels.c.screen, sa.func.sum(hop_funnels.c.arrived))
        .where(_release_filter(release), hop_funnels.c.screen.in_(screens))
        .group_by(hop_funnels.c.screen)
    )
    if since is not None:
        query = query.where(hop_funnels.c.day >= since)
    if until is not None:
        query = query.where(hop_funnels.c.day <= until)
    arrived = {screen: int(total or 0) for screen, total in session.execute(query)}
    return [FunnelStep(screen, arrived.get(screen, 0)) for screen in screens]
