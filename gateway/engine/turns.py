"""What one turn did on the screens, for the drop-off counters (gateway.funnels): no phone numbers, only
screen ids and what happened there.

Events of a turn, as `(screen, event)` pairs:
- `arrived`: the caller now sees this screen (a new session's first screen, or a move to another screen);
- `went_on`: the caller left this screen forward; `back`: left it with 0 (back) or 00 (home);
- `invalid`: the answer on this screen was refused (the screen again with an error line);
- `ended`: the session ended on this screen.
A session that expired without an END timed out where it last arrived: arrived - went_on - back - ended.
Paging (99, or 0 on a later page) is none of these.
"""

from __future__ import annotations

from gateway.engine.state import SessionState

ARRIVED = "arrived"
WENT_ON = "went_on"
BACK = "back"
INVALID = "invalid"
ENDED = "ended"
EVENTS = (ARRIVED, WENT_ON, BACK, INVALID, ENDED)
BACK_INPUTS = frozenset({"0", "00"})
DWELL_EDGES_S = (2, 5, 10, 20, 30, 45, 60, 90, 120, 180)
"""Upper edges (seconds) of the time-spent buckets: bucket k holds times up to DWELL_EDGES_S[k]; the last
bucket (len(DWELL_EDGES_S)) everything longer."""


def turn_events(
    before: SessionState | None, after: SessionState, entry: str | None, end: bool
) -> list[tuple[str, str]]:
    """The events of one turn: `before` None for a new session (then `entry` is None)."""
    events: list[tuple[str, str]] = []
    if before is None:
        events.append((after.screen, ARRIVED))
    elif after.screen != before.screen:
        left = BACK if (entry or "").strip() in BACK_INPUTS else WENT_ON
        events += [(before.screen, left), (after.screen, ARRIVED)]
    elif after.notice is not None and (after.notice != before.notice or after.page == before.page):
        events.append((before.screen, INVALID))  # not paging through a screen that shows an error line
    if end:
        events.append((after.screen, ENDED))
    return events


def dwell_bucket(seconds: float) -> int:
    """The time-spent bucket of `seconds` on a screen."""
    return next((k for k, edge in enumerate(DWELL_EDGES_S) if seconds <= edge), len(DWELL_EDGES_S))
