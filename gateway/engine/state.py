"""A conversation's state between hops, and its compact JSON form for the session store."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from gateway.money import Money


@dataclass
class SessionState:
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

    def to_dict(self) -> dict[str, Any]:
        return {
            "menu_version": self.menu_version, "screen": self.screen, "lang": self.lang, "home": self.home,
            "history": list(self.history), "vars": {key: _encode(value) for key, value in self.vars.items()},
            "page": self.page, "pin_ok": self.pin_ok, "pin_target": self.pin_target, "step_no": self.step_no,
            "resume": self.resume,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SessionState:
        fields = dict(data)
        fields["vars"] = {key: _decode(value) for key, value in fields.get("vars", {}).items()}
        return cls(**fields)

    def for_resume(self) -> SessionState:
        """What a redial may continue from (the resume copy kept in the session store)."""
        return self

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
