"""Immutable menu definitions: what `reader.read_menu` builds from operator YAML."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType
from typing import Any

from gateway.engine.conditions import Condition

DEFAULT_SCREEN_LIMIT = 160
MAX_SCREEN_LIMIT = 182
PIN_SCREEN = "@pin"
RESUME_SCREEN = "@resume"
ERROR_SCREEN = "@error"

EMPTY: Mapping[str, Any] = MappingProxyType({})


class Kind(str, Enum):
    MENU = "menu"
    INPUT = "input"
    ACTION = "action"
    ROUTER = "router"
    END = "end"


class PinRule(str, Enum):
    NONE = "none"
    SESSION = "session"
    ALWAYS = "always"


@dataclass(frozen=True)
class Option:
    label: str
    next: str
    line: int
    when: Condition | None = None
    set_lang: str | None = None


@dataclass(frozen=True)
class Validator:
    kind: str
    params: Mapping[str, Any] = field(default_factory=lambda: EMPTY)


@dataclass(frozen=True)
class Route:
    next: str
    line: int
    when: Condition | None = None


@dataclass(frozen=True)
class Exit:
    """Where a handler category leads: another screen, or back to the same input with a message."""

    next: str | None = None
    retry_text: str | None = None
    notice: str | None = None


@dataclass(frozen=True)
class Screen:
    id: str
    kind: Kind
    source: str
    line: int
    text: str | None = None
    options: tuple[Option, ...] = ()
    validate: Validator | None = None
    error_text: str | None = None
    save_as: str | None = None
    secret: bool = False
    next: str | None = None
    handler: str | None = None
    params: Mapping[str, Any] = field(default_factory=lambda: EMPTY)
    on: Mapping[str, Exit] = field(default_factory=lambda: EMPTY)
    requires_pin: PinRule = PinRule.NONE
    routes: tuple[Route, ...] = ()


@dataclass(frozen=True)
class PinPolicy:
    handler: str
    prompt: str
    wrong: str
    on: Mapping[str, str]
    line: int


@dataclass(frozen=True)
class Menu:
    version: str
    service_codes: tuple[str, ...]
    start: str
    screens: Mapping[str, Screen]
    limit: int = DEFAULT_SCREEN_LIMIT
    pin: PinPolicy | None = None
    placeholder_widths: Mapping[str, int] = field(default_factory=dict)
    sources: tuple[str, ...] = ()

    def screen(self, screen_id: str) -> Screen:
        return self.screens[screen_id]
