from __future__ import annotations

import pytest

from gateway.sms.providers import MessageStatus

S = MessageStatus


@pytest.mark.parametrize(
    ("previous", "new", "moves"),
    [
        (None, S.QUEUED, True),
        (S.QUEUED, S.SENT, True),
        (S.SENT, S.DELIVERED, True),
        (S.DELIVERED, S.SENT, False),
        (S.FAILED, S.SENT, False),
        (S.SENT, S.QUEUED, False),
        (S.SENT, S.SENT, True),
        (S.DELIVERED, S.READ, True),
        (S.UNDELIVERED, S.DELIVERED, False),
        (S.ACCEPTED, S.FAILED, True),
    ],
)
def test_status_callbacks_never_move_a_message_back(previous: S | None, new: S, moves: bool) -> None:
    assert new.supersedes(previous) is moves


def test_final_statuses() -> None:
    assert {s for s in S if s.is_final} == {S.DELIVERED, S.UNDELIVERED, S.FAILED, S.CANCELED, S.READ, S.RECEIVED}
