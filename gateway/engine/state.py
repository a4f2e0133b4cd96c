"""A conversation's state between hops, and its compact JSON form for the session store."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from gateway.engine.model import PIN_SCREEN
from gateway.money import Money


@dataclass
class SessionState:
    """Where a conversation stands.

    `redo` is the screen a resumed session enters again to rebuild the current one from fresh data (the
    last step that fetched data or took an answer that is not kept), `redo_at` how much of `history`
    leads to it; `answers` names the vars the caller typed that a resume may keep; `notice` is the error
    line on the current screen, with its values and the body piece whose page it opens.
    """

    menu_version: str
    screen: str
    lang: str
    home: str = ""
    history: list[str] = field(default_factory=list)
    vars: dict[str, Any] = field(default_factory=dict)
    page: int = 0
    pin_ok: bool = False
    pin_target: str | None = None
    step_no: int = 0
    resume: dict[str, Any] | None = None
    redo: str = ""
    redo_at: int = 0
    answers: list[str] = field(default_factory=list)
    notice: list[Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The fields that differ from their defaults, under short names (the session store keeps sessions
        small; `SHORT_NAMES`)."""
        data: dict[str, Any] = {"v": self.menu_version, "s": self.screen, "l": self.lang}
        optional = (
            ("h", self.home),
            ("hi", self.history),
            ("va", self.vars),
            ("p", self.page),
            ("ok", self.pin_ok),
            ("pt", self.pin_target),
            ("n", self.step_no),
            ("rs", self.resume),
            ("rd", self.redo),
            ("ra", self.redo_at),
            ("a", self.answers),
            ("no", self.notice),
        )
        for key, value in optional:
            if value:
                data[key] = _ENCODERS[key](value) if key in _ENCODERS else value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SessionState:
        """From `to_dict`'s form; a session stored under the long field names (before 2026-11) reads too."""
        fields = {LONG_NAMES.get(key, key): value for key, value in data.items()}
        if "vars" in fields:
            fields["vars"] = {key: _decode(value) for key, value in fields["vars"].items()}
        if fields.get("notice"):
            key, values, at = fields["notice"]
            fields["notice"] = [key, _decode(values), at]
        return cls(**fields)

    def set_redo(self, screen_id: str) -> None:
        """Re-enter `screen_id` on resume, with the way back as it is now (an answer's own screen excluded)."""
        self.redo = screen_id
        self.redo_at = len(self.history) - (1 if self.history and self.history[-1] == screen_id else 0)

    def for_resume(self) -> SessionState:
        """What a redial may continue from: where to re-enter, the way back, and the caller's plain answers.

        No handler data (balances, statements, quotes, names), no money, no sealed PIN, no rendered text,
        `pin_ok` false. When the PIN had been given (or was being asked), the copy is at the PIN prompt with
        `redo` the re-entry screen and `pin_target` the screen the prompt was for, so a resumed session
        asks for the PIN again before showing anything it protected.
        """
        if self.resume is not None:  # dropped at the offer to resume: the offer stands
            return SessionState.from_dict(self.resume)
        at_pin = self.screen == PIN_SCREEN
        target = self.redo or (self.pin_target or "" if at_pin else self.screen)
        kept = {key: self.vars[key] for key in self.answers if plain_answer(self.vars.get(key))}
        history = self.history[: self.redo_at] if self.redo else list(self.history)
        copy = SessionState(
            self.menu_version, target, self.lang, home=self.home, history=history, vars=kept, answers=list(kept)
        )
        if self.pin_ok or at_pin:
            copy.screen, copy.redo, copy.pin_target = PIN_SCREEN, target, self.pin_target if at_pin else None
            copy.redo_at = len(history)
        return copy

    def dumps(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def loads(cls, text: str | bytes) -> SessionState:
        return cls.from_dict(json.loads(text))


SHORT_NAMES = {
    "menu_version": "v",
    "screen": "s",
    "lang": "l",
    "home": "h",
    "history": "hi",
    "vars": "va",
    "page": "p",
    "pin_ok": "ok",
    "pin_target": "pt",
    "step_no": "n",
    "resume": "rs",
    "redo": "rd",
    "redo_at": "ra",
    "answers": "a",
    "notice": "no",
}
"""The stored name of each field (`to_dict`); every session of a busy bank is in Redis, so names cost."""
LONG_NAMES = {short: name for name, short in SHORT_NAMES.items()}
_ENCODERS: dict[str, Callable[[Any], Any]] = {
    "hi": list,
    "a": list,
    "va": lambda values: {key: _encode(value) for key, value in values.items()},
    "no": lambda notice: [notice[0], _encode(dict(notice[1])), notice[2]],
}


def _encode(value: Any) -> Any:
    if isinstance(value, Money):
        return {"$m": int(value)}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, dict):
        return {key: _encode(item) for key, item in value.items()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "$m" in value and len(value) == 1:
            return Money(value["$m"])
        if "$d" in value and len(value) == 1:
            return date.fromisoformat(value["$d"])
        return {key: _decode(item) for key, item in value.items()}
    return value


def plain_answer(value: Any) -> bool:
    """An answer a resume may keep: short plain text or a number, never money."""
    if isinstance(value, (Money, float)):
        return False
    return isinstance(value, (int, str)) and len(str(value)) <= MAX_KEPT_ANSWER


MAX_KEPT_ANSWER = 40
