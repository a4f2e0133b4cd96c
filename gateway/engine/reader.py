"""Operator YAML to an immutable Menu. Parsers take text, not paths, so tests need no files."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from types import MappingProxyType
from typing import Any

from gateway.engine.model import DEFAULT_SCREEN_LIMIT, MAX_SCREEN_LIMIT, Menu, PinPolicy, Screen
from gateway.engine.problems import Problem
from gateway.engine.screen_reader import ScreenReader
from gateway.yamlsource import LineMap, YamlError, read_yaml

TOP_KEYS = frozenset({"service_codes", "start", "limit", "pin", "placeholders", "screens"})
MONEY_WIDTH = len("Rp999.999.999.999")


class _Reader(ScreenReader):
    """Screens, plus the menu-wide settings: the PIN policy and placeholder widths."""

    def pin_policy(self, node: Any, line: int) -> PinPolicy | None:
        if node is None:
            return None
        if not isinstance(node, LineMap) or not {"handler", "prompt", "wrong"} <= set(node):
            self.problem(line, "pin: needs handler, prompt, wrong and on (e.g. on: {locked: pin_locked})")
            return None
        on = node.get("on") or {}
        return PinPolicy(
            str(node["handler"]), str(node["prompt"]), str(node["wrong"]), MappingProxyType(dict(on)), node.line
        )

    def placeholders(self, node: Any, line: int) -> dict[str, int]:
        if node is None:
            return {}
        if not isinstance(node, LineMap):
            self.problem(line, "placeholders: a mapping of name to the widest it can be (a number, or 'money')")
            return {}
        widths = {}
        for name, width in node.items():
            if width == "money":
                widths[name] = MONEY_WIDTH
            elif isinstance(width, int) and width > 0:
                widths[name] = width
            else:
                self.problem(node.line_of(name), f"placeholders: '{name}' needs a width (a number) or 'money'")
        return widths


def read_menu(documents: Iterable[tuple[str, str]]) -> tuple[Menu | None, list[Problem]]:
    """One menu from one or more YAML documents `(source_name, text)`; one of them holds `start`."""
    reader = _Reader()
    screens: dict[str, Screen] = {}
    top: dict[str, Any] = {}
    digest = hashlib.sha256()
    sources = []
    syntax_errors = False
    for source, text in documents:
        reader.source = source
        sources.append(source)
        digest.update(source.encode() + b"\0" + text.encode())
        try:
            data = read_yaml(text, source)
        except YamlError as exc:
            reader.problem(exc.line, exc.message)
            syntax_errors = True
            continue
        if not isinstance(data, LineMap):
            reader.problem(1, "a menu file must be a mapping with 'screens'")
            continue
        reader.unknown_keys(data, TOP_KEYS, "menu")
        for key in TOP_KEYS - {"screens"}:
            if key in data:
                if key in top:
                    reader.problem(data.line_of(key), f"'{key}' is set in {top[key][0]} already; set it in one file")
                top[key] = (source, data[key], data.line_of(key))
        raw_screens = data.get("screens")
        if not isinstance(raw_screens, LineMap):
            reader.problem(data.line_of("screens"), "'screens' must be a mapping of screen ids to screens")
            continue
        for screen_id, node in raw_screens.items():
            line = raw_screens.line_of(screen_id)
            if screen_id in screens:
                first = screens[screen_id]
                reader.problem(line, f"screen '{screen_id}' is defined twice (first at {first.source}:{first.line})")
                continue
            screen = reader.screen(screen_id, node, line)
            if screen is not None:
                screens[screen_id] = screen
    if syntax_errors:
        return None, sorted(reader.problems)
    return _assemble(reader, top, screens, digest.hexdigest()[:12], tuple(sources))


def _assemble(
    reader: _Reader, top: dict[str, Any], screens: dict[str, Screen], version: str, sources: tuple[str, ...]
) -> tuple[Menu | None, list[Problem]]:
    def value(key: str) -> Any:
        return top[key][1] if key in top else None

    def where(key: str) -> int:
        reader.source = top[key][0] if key in top else (sources[0] if sources else "<menu>")
        return top[key][2] if key in top else 1

    start = value("start")
    if not isinstance(start, str):
        reader.problem(where("start"), "menu: 'start' (the first screen) is missing; add e.g. start: main")
    codes = value("service_codes")
    if not isinstance(codes, list) or not all(isinstance(code, str) for code in codes):
        reader.problem(where("service_codes"), "menu: 'service_codes' must be a list such as [\"*123#\"] (quoted)")
        codes = []
    limit = value("limit") or DEFAULT_SCREEN_LIMIT
    if not isinstance(limit, int) or not 60 <= limit <= MAX_SCREEN_LIMIT:
        reader.problem(where("limit"), f"menu: 'limit' must be a number from 60 to {MAX_SCREEN_LIMIT}")
        limit = DEFAULT_SCREEN_LIMIT
    pin = reader.pin_policy(value("pin"), where("pin"))
    widths = reader.placeholders(value("placeholders"), where("placeholders"))
    if reader.problems or not isinstance(start, str):
        return None, sorted(reader.problems)
    menu = Menu(
        version=version,
        service_codes=tuple(codes),
        start=start,
        screens=MappingProxyType(screens),
        limit=limit,
        pin=pin,
        placeholder_widths=MappingProxyType(widths),
        sources=sources,
    )
    return menu, []
