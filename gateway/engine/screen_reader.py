"""One screen of operator YAML to an immutable `Screen`, each problem named by file and line."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from gateway.engine.conditions import Condition, parse_condition
from gateway.engine.model import Exit, Kind, Option, PinRule, Route, Screen, Validator
from gateway.engine.problems import Problem, did_you_mean
from gateway.engine.validators import KNOWN_PARAMS, REQUIRED_PARAMS, SECRET_KINDS, VALIDATORS
from gateway.yamlsource import LineMap

COMMON_KEYS = frozenset({"type", "text"})
KIND_KEYS: Mapping[Kind, frozenset[str]] = {
    Kind.MENU: COMMON_KEYS | {"options"},
    Kind.INPUT: COMMON_KEYS | {"validate", "error", "save_as", "next", "handler", "params", "on"},
    Kind.ACTION: COMMON_KEYS | {"handler", "params", "on", "requires_pin"},
    Kind.ROUTER: COMMON_KEYS | {"routes"},
    Kind.END: COMMON_KEYS,
}
OPTION_KEYS = frozenset({"label", "next", "when", "set_lang"})


class ScreenReader:
    """Reads screens of the file named by `source`, collecting problems instead of raising."""

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
        exits: dict[str, Exit] = {}
        for category, target in on_node.items():
            if isinstance(target, str):
                exits[category] = Exit(next=target)
            elif isinstance(target, LineMap) and isinstance(target.get("retry"), str):
                exits[category] = Exit(retry_text=target["retry"])
            elif isinstance(target, LineMap) and isinstance(target.get("next"), str):
                exits[category] = Exit(next=target["next"], notice=target.get("notice"))
            else:
                hint = "a screen, {retry: text.key} or {next: screen, notice: text.key}"
                self.problem(on_node.line_of(category), f"{what}: 'on.{category}' must be {hint}")
        params = node.get("params") or {}
        return {"handler": str(handler), "on": MappingProxyType(exits), "params": MappingProxyType(dict(params))}

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
