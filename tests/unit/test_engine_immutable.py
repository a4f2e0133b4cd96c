"""The engine never changes the state it is given: `begin` and `advance` return a new one."""

from __future__ import annotations

import copy

import pytest

from gateway.engine.model import RESUME_SCREEN
from gateway.engine.state import SessionState
from gateway.engine.step import advance, begin
from tests.engine_support import basic_context, walk

WALKS = [
    (),
    ("1",),
    ("1", "482913"),
    ("1", "111111", "222222"),
    ("2", "abc"),
    ("2", "Rp 2.000.000"),
    ("3", "99"),
    ("3", "99", "x"),
    ("4",),
    ("5",),
]
ENTRIES = ["1", "2", "4", "0", "00", "99", "x", "482913", "111111", " 3 "]


@pytest.mark.parametrize("inputs", WALKS, ids=lambda inputs: "-".join(inputs) or "start")
def test_advance_leaves_its_input_state_as_it_was(inputs: tuple[str, ...]) -> None:
    ctx = basic_context()
    state = walk(ctx, *inputs).state
    before = copy.deepcopy(state)
    for entry in ENTRIES:
        outcome = advance(ctx, state, entry)
        assert state == before, f"after {inputs} + {entry!r}"
        assert outcome.state is not state
        assert outcome.state.step_no == state.step_no + 1


def test_begin_leaves_the_dropped_session_as_it_was_and_resuming_leaves_the_offer() -> None:
    ctx = basic_context()
    dropped = walk(ctx, "2", "Rp 2.000.000").state
    before = copy.deepcopy(dropped)
    offer = begin(ctx, "id", resumable=dropped)
    assert dropped == before
    assert offer.state.screen == RESUME_SCREEN
    offered = copy.deepcopy(offer.state)
    resumed = advance(ctx, offer.state, "1")
    assert offer.state == offered
    assert resumed.state.screen != RESUME_SCREEN


def test_a_new_state_is_returned_even_when_the_screen_does_not_change() -> None:
    ctx = basic_context()
    state = walk(ctx, "2").state
    again = advance(ctx, state, "abc")  # refused: same screen, a notice
    assert again.state.screen == state.screen
    assert again.state.notice is not None and state.notice is None
    assert isinstance(again.state, SessionState)
