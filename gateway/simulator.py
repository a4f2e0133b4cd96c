"""`jembatan simulate`: walk the menus in a terminal through the real engine, and record the walk.

The simulator's choices stay its own. `--lang` is the walk's starting language, not a preference: the
customer's remembered language changes only when the walk itself chooses one in the menus. PINs are read
without echo and never written: a transcript holds a placeholder for each, which the transcript runner
fills in on replay (`<PIN>` the customer's PIN, `<WRONG_PIN>` a PIN that is not theirs, `<NEW_PIN>` a PIN
chosen on the walk).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from gateway.channels.hop import Hop, InputStyle
from gateway.engine.model import PIN_SCREEN
from gateway.engine.state import SessionState
from gateway.engine.step import BACK, HOME, Reply
from gateway.menus import MenuBook
from gateway.runtime import Runtime
from gateway.sessions import Opened, SessionStore
from gateway.transcripts import Transcript, Turn

PIN = "<PIN>"
"""Typed on the PIN prompt and accepted: the customer's PIN."""
WRONG_PIN = "<WRONG_PIN>"
"""Typed on the PIN prompt and refused."""
NEW_PIN = "<NEW_PIN>"
"""Typed on a menu's own PIN screen (choosing or confirming a PIN)."""
HANG_UP = "q"


class StartingLanguage(SessionStore):
    """The session store of a simulated walk: a new session starts in the simulator's language (if one was
    given) instead of the remembered one, which stays what it was; the walk is no caller, so it adds nothing
    to the drop-off counters."""

    def __init__(self, inner: SessionStore, lang: str | None) -> None:
        super().__init__(
            inner.redis, inner.ttl_s, inner.resume_window_s, inner.lock_s, inner.language_ttl_s, counted=False
        )
        self.lang = lang

    def open(self, session_id: str, msisdn: str) -> Opened:
        opened = super().open(session_id, msisdn)
        return replace(opened, lang=self.lang) if opened.record is None and self.lang else opened


@dataclass
class _Secrets:
    """What was typed on secret screens, kept in memory for the walk only, to choose placeholders."""

    typed: dict[int, tuple[str, bool]] = field(default_factory=dict)  # turn -> (value, on the PIN prompt)
    accepted: set[str] = field(default_factory=set)

    def placeholder(self, value: str, on_prompt: bool) -> str:
        if value in self.accepted:
            return PIN
        return WRONG_PIN if on_prompt else NEW_PIN

    def apply(self, transcript: Transcript) -> list[str]:
        """Replace every secret input by its placeholder; warn where one placeholder stands for two values."""
        values: dict[str, set[str]] = {}
        for index, (value, on_prompt) in self.typed.items():
            mark = self.placeholder(value, on_prompt)
            transcript.turns[index].input = mark
            values.setdefault(mark, set()).add(value)
        return [
            f"the walk typed different values for {mark}; its transcript replays them as one"
            for mark, typed in values.items()
            if len(typed) > 1
        ]


@dataclass
class Walk:
    store: SessionStore
    menus: MenuBook
    hop: Callable[[Hop], Reply]
    phone: str
    service_code: str
    session_id: str = field(default_factory=lambda: f"sim-{secrets.token_hex(6)}")

    def state(self) -> SessionState | None:
        record = self.store.peek(self.session_id, self.phone)
        return record.state if record else None

    def awaits_secret(self, state: SessionState | None) -> tuple[bool, bool]:
        """(the next input is secret, it is for the PIN prompt)."""
        if state is None:
            return False, False
        if state.screen == PIN_SCREEN:
            return True, True
        screen = (self.menus.for_version(state.menu_version) or self.menus.current).menu.screens.get(state.screen)
        return bool(screen and screen.secret), False

    def pin_accepted(self, state: SessionState | None) -> bool:
        if state is None or state.screen == PIN_SCREEN or not state.pin_ok:
            return False
        policy = (self.menus.for_version(state.menu_version) or self.menus.current).menu.pin
        return policy is None or state.screen not in set(policy.on.values())


def walker_for(rt: Runtime, phone: str, lang: str | None) -> Walk:
    store = StartingLanguage(rt.store, lang)
    codes = rt.menus.current.menu.service_codes
    return Walk(store, rt.menus, replace(rt.dialog, store=store).hop, phone, codes[0] if codes else "*123#")


def walk(
    walker: Walk,
    transcript: Transcript,
    ask: Callable[[str], str],
    ask_secret: Callable[[str], str],
    show: Callable[[str], None],
) -> list[str]:
    """Dial, then hop with each typed input until the session ends or the user types `q`. Returns warnings."""
    typed = _Secrets()
    entry, sequence, secret, on_prompt = "", 1, False, False
    while True:
        reply = walker.hop(
            Hop(walker.session_id, walker.phone, walker.service_code, InputStyle.NEWEST, entry, sequence, "ussd")
        )
        state = walker.state()
        secret = secret and entry not in (BACK, HOME)  # going back from a PIN screen is not a PIN
        if secret:
            typed.typed[len(transcript.turns)] = (entry, on_prompt)
            if on_prompt and walker.pin_accepted(state):
                typed.accepted.add(entry)
        transcript.turns.append(Turn("" if secret else entry, reply.text, reply.end))
        show("-" * 30 + f"\n{reply.text}\n" + "-" * 30)
        if reply.end:
            break
        secret, on_prompt = walker.awaits_secret(state)
        try:
            entry = (ask_secret if secret else ask)("PIN (not shown) > " if secret else "> ")
        except EOFError:
            break
        if entry.strip().lower() == HANG_UP:
            break
        sequence += 1
    return typed.apply(transcript)
