"""A conversation's state between hops, and its compact JSON form for the session store."""

from __future__ import annotations

import json
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
        """The fields that differ from their defaults (the session store keeps sessions small)."""
        data: dict[str, Any] = {"menu_version": self.menu_version, "screen": self.screen, "lang": self.lang}
        optional = {
            "home": self.home, "history": list(self.history),
            "vars": {key: _encode(value) for key, value in self.vars.items()}, "page": self.page,
            "pin_ok": self.pin_ok, "pin_target": self.pin_target, "step_no": self.step_no, "resume": self.resume,
            "redo": self.redo, "redo_at": self.redo_at, "answers": list(self.answers),
            "notice": [self.notice[0], _encode(dict(self.notice[1])), self.notice[2]] if self.notice else None,
        }
        data.update((key, value) for key, value in optional.items() if value)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SessionState:
        fields = dict(data)
        fields["vars"] = {key: _decode(value) for key, value in fields.get("vars", {}).items()}
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
        copy = SessionState(self.menu_version, target, self.lang, home=self.home, history=history,
                            vars=kept, answers=list(kept))
        if self.pin_ok or at_pin:
            copy.screen, copy.redo, copy.pin_target = PIN_SCREEN, target, self.pin_target if at_pin else None
            copy.redo_at = len(history)
        return copy

    def dumps(self) -> str:
        return json.dumps(self.to_dict(), separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def loads(cls, text: str | bytes) -> SessionState:
        return cls.from_dict(json.loads(text))


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
