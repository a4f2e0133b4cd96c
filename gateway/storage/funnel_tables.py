"""Drop-off counters per day, menu release and screen (gateway.funnels): no phone numbers, only counts.

`t0` ... `t10` count the times spent on the screen in the buckets of `gateway.engine.turns.DWELL_EDGES_S`
(up to 2 s, 5 s, ... 180 s, longer), enough for a median per day.
"""

from __future__ import annotations

import sqlalchemy as sa

from gateway.engine.turns import DWELL_EDGES_S, EVENTS
from gateway.storage.base import Base

RELEASE_LENGTH = 64
SCREEN_LENGTH = 64
DWELL_COLUMNS = tuple(f"t{k}" for k in range(len(DWELL_EDGES_S) + 1))
COUNT_COLUMNS = (*EVENTS, *DWELL_COLUMNS)

hop_funnels = sa.Table(
    "hop_funnels",
    Base.metadata,
    sa.Column("day", sa.Date, primary_key=True),
    sa.Column("release", sa.String(RELEASE_LENGTH), primary_key=True),
    sa.Column("screen", sa.String(SCREEN_LENGTH), primary_key=True),
    *(sa.Column(name, sa.Integer, nullable=False, server_default="0") for name in COUNT_COLUMNS),
)
