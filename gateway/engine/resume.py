"""Which dropped sessions a redial may continue, and where (the copy itself comes from `SessionState.for_resume`)."""

from __future__ import annotations

from gateway.engine.model import PIN_SCREEN, Kind, Menu, PinRule
from gateway.engine.state import SessionState


def worth_resuming(menu: Menu, saved: SessionState) -> bool:
    """A resume copy that stopped mid-way, on screens this menu still has."""
    target = menu.screens.get(saved.redo if saved.screen == PIN_SCREEN else saved.screen)
    home = menu.screens.get(saved.home)
    return target is not None and target.kind is not Kind.END and home is not None and bool(saved.history)


def pin_first_target(menu: Menu, saved: SessionState) -> str:
    """What the PIN asked first on resume leads to: the screen the prompt was for when it only needs the
    PIN once per session, else the re-entry screen (a step that asks for the PIN every time, such as a
    payment, is never reached straight from a resume: its confirmation screen comes first)."""
    pending = menu.screens.get(saved.pin_target or "")
    if pending is not None and pending.requires_pin is PinRule.SESSION:
        return pending.id
    return saved.redo
