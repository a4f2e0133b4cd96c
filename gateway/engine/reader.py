"""Operator YAML to an immutable Menu. Parsers take text, not paths, so tests need no files."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from gateway.engine.conditions import Condition, parse_condition
from gateway.engine.model import (
    DEFAULT_SCREEN_LIMIT,
    MAX_SCREEN_LIMIT,
    Kind,
    Menu,
    Option,
    Outcome,
    PinPolicy,
    PinRule,
    Route,
    Screen,
    Validator,
)
from gateway.engine.problems import Problem, did_you_mean
from gateway.engine.validators import KNOWN_PARAMS, REQUIRED_PARAMS, SECRET_KINDS, VALIDATORS
from gateway.yamlsource import LineMap, YamlError, read_yaml

TOP_KEYS = frozenset({"service_codes", "start", "limit", "pin", "placeholders", "screens"})
COMMON_KEYS = frozenset({"type", "text"})
KIND_KEYS: Mapping[Kind, frozenset[str]] = {
    Kind.MENU: COMMON_KEYS | {"options"},
    Kind.INPUT: COMMON_KEYS | {"validate", "error", "save_as", "next", "handler", "params", "on"},
    Kind.ACTION: COMMON_KEYS | {"handler", "params", "on", "requires_pin"},
    Kind.ROUTER: COMMON_KEYS | {"routes"},
    Kind.END: COMMON_KEYS,
}
OPTION_KEYS = frozenset({"label", "next", "when", "set_lang"})
MONEY_WIDTH = len("Rp999.999.999.999")


class _Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.source = ""

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.source, line, message))

    def unknown_keys(self, node: LineMap, allowed: frozenset[str], what: str) -> None:
        for key in node:
            if key not in allowed:
                hint = did_you_mean(key, allowed)
                allowed_keys = ", ".join(sorted(allowed))
                self.problem(node.line_of(key), f"{what}: unknown key '{key}'{hint}; allowed: {allowed_keys}")

    def condition(self, text: Any, line: int) -> Condition | None:
        if text is None:
            return None
        try:
            return parse_condition(str(text))
        except ValueError as exc:
            self.problem(line, str(exc))
            return None

    def text_key(self, node: LineMap, key: str, what: str, required: bool) -> str | None:
        value = node.get(key)
        if value is None:
            if required:
                hint = f"give a text key from locales/, e.g. {key}: main.title"
                self.problem(node.line, f"{what}: '{key}' is missing; {hint}")
            return None
        if not isinstance(value, str):
            self.problem(node.line_of(key), f"{what}: '{key}' must be a text key (a string)")
            return None
        return value

    def screen(self, screen_id: str, node: Any, line: int) -> Screen | None:
        what = f"screen '{screen_id}'"
        if not isinstance(node, LineMap):
            self.problem(line, f"{what}: must be a mapping with at least 'type'")
            return None
        try:
            kind = Kind(node.get("type"))
        except ValueError:
            self.problem(
                node.line_of("type"),
                f"{what}: 'type' must be one of {', '.join(k.value for k in Kind)}"
                f"{did_you_mean(str(node.get('type')), [k.value for k in Kind])}",
            )
            return None
        self.unknown_keys(node, KIND_KEYS[kind], what)
        fields: dict[str, Any] = {"id": screen_id, "kind": kind, "source": self.source, "line": line}
        fields["text"] = self.text_key(node, "text", what, required=kind in (Kind.MENU, Kind.INPUT, Kind.END))
        if kind is Kind.MENU:
            fields["options"] = self.options(node, what)
        if kind is Kind.INPUT:
            fields.update(self.input_fields(node, what))
        if kind in (Kind.INPUT, Kind.ACTION):
            fields.update(self.handler_fields(node, what, required=kind is Kind.ACTION))
        if kind is Kind.ACTION:
            fields["requires_pin"] = self.pin_rule(node, what)
        if kind is Kind.ROUTER:
            fields["routes"] = self.routes(node, what)
        return Screen(**fields)

    def options(self, node: LineMap, what: str) -> tuple[Option, ...]:
        raw = node.get("options")
        if not isinstance(raw, list) or not raw:
            self.problem(node.line_of("options"), f"{what}: a menu needs a list of options, each {{label, next}}")
            return ()
        options = []
        for item in raw:
            if not isinstance(item, LineMap) or "label" not in item or "next" not in item:
                self.problem(
                    getattr(item, "line", node.line_of("options")),
                    f"{what}: each option needs 'label' (a text key) and 'next' (a screen)",
                )
                continue
            self.unknown_keys(item, OPTION_KEYS, f"{what} option")
            options.append(
                Option(
                    label=str(item["label"]),
                    next=str(item["next"]),
                    line=item.line,
                    when=self.condition(item.get("when"), item.line_of("when")),
                    set_lang=item.get("set_lang"),
                )
            )
        return tuple(options)

    def input_fields(self, node: LineMap, what: str) -> dict[str, Any]:
        spec = node.get("validate")
        fields: dict[str, Any] = {
            "save_as": node.get("save_as"),
            "next": node.get("next"),
            "error_text": node.get("error"),
        }
        if not isinstance(spec, LineMap) or spec.get("kind") not in VALIDATORS:
            got = spec.get("kind") if isinstance(spec, LineMap) else spec
            self.problem(
                node.line_of("validate"),
                f"{what}: 'validate' needs a kind, one of {', '.join(VALIDATORS)}{did_you_mean(str(got), VALIDATORS)}",
            )
            return fields
        kind = spec["kind"]
        params = {key: value for key, value in spec.items() if key != "kind"}
        for key in params:
            if key not in KNOWN_PARAMS[kind]:
                self.problem(
                    spec.line_of(key),
                    f"{what}: validator '{kind}' takes no '{key}'; it takes "
                    f"{', '.join(sorted(KNOWN_PARAMS[kind])) or 'nothing'}",
                )
        for key in REQUIRED_PARAMS.get(kind, ()):
            if key not in params:
                self.problem(spec.line, f"{what}: validator '{kind}' needs '{key}'")
        fields["validate"] = Validator(kind, MappingProxyType(params))
        fields["secret"] = kind in SECRET_KINDS
        if not node.get("next") and not node.get("handler"):
            self.problem(node.line, f"{what}: an input needs 'next' (the screen after it) or a 'handler' with 'on'")
        if fields["secret"] and node.get("handler") is None and not node.get("save_as"):
            self.problem(node.line, f"{what}: a PIN input without a handler must 'save_as' it (it is kept sealed)")
        return fields

    def handler_fields(self, node: LineMap, what: str, required: bool) -> dict[str, Any]:
        handler = node.get("handler")
        if handler is None:
            if required:
                self.problem(node.line, f"{what}: an action needs 'handler: module.function' from handlers/")
            return {}
        on_node = node.get("on")
        if not isinstance(on_node, LineMap) or not on_node:
            self.problem(node.line_of("on"), f"{what}: a handler needs 'on: {{ok: next_screen, ...}}'")
            return {"handler": str(handler)}
        outcomes: dict[str, Outcome] = {}
        for category, target in on_node.items():
            if isinstance(target, str):
                outcomes[category] = Outcome(next=target)
            elif isinstance(target, LineMap) and isinstance(target.get("retry"), str):
                outcomes[category] = Outcome(retry_text=target["retry"])
            elif isinstance(target, LineMap) and isinstance(target.get("next"), str):
                outcomes[category] = Outcome(next=target["next"], notice=target.get("notice"))
            else:
                hint = "a screen, {retry: text.key} or {next: screen, notice: text.key}"
                self.problem(on_node.line_of(category), f"{what}: 'on.{category}' must be {hint}")
        params = node.get("params") or {}
        return {"handler": str(handler), "on": MappingProxyType(outcomes), "params": MappingProxyType(dict(params))}

    def pin_rule(self, node: LineMap, what: str) -> PinRule:
        value = node.get("requires_pin", False)
        if value is True:
            return PinRule.SESSION
        if value is False:
            return PinRule.NONE
        try:
            return PinRule(value)
        except ValueError:
            self.problem(node.line_of("requires_pin"), f"{what}: requires_pin is true, false, session or always")
            return PinRule.NONE

    def routes(self, node: LineMap, what: str) -> tuple[Route, ...]:
        raw = node.get("routes")
        if not isinstance(raw, list) or not raw:
            self.problem(node.line_of("routes"), f"{what}: a router needs 'routes', a list of {{when, next}}")
            return ()
        routes = []
        for item in raw:
            if not isinstance(item, LineMap) or "next" not in item:
                self.problem(getattr(item, "line", node.line), f"{what}: each route needs 'next'")
                continue
            routes.append(
                Route(
                    next=str(item["next"]), line=item.line, when=self.condition(item.get("when"), item.line_of("when"))
                )
            )
        if routes and routes[-1].when is not None:
            self.problem(node.line_of("routes"), f"{what}: the last route must have no 'when' (the default)")
        return tuple(routes)

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
