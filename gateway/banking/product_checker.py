"""The checker products.py reads with: each problem names the file, the line and the fix."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from gateway.engine.problems import Problem, Severity
from gateway.yamlsource import LineMap


class Checker:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def add(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.source, line, message))

    def warn(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.source, line, message, Severity.WARNING))

    def mapping(self, parent: LineMap, key: str, allowed: tuple[str, ...], where: str) -> LineMap | None:
        node = parent.get(key)
        path = f"{where}.{key}" if where else key
        if not isinstance(node, LineMap):
            self.add(parent.line_of(key), f"{path} must be a mapping like {{{', '.join(allowed)}: ...}}")
            return None
        for extra in node.keys() - set(allowed):
            self.add(node.line_of(extra), f"{path} has unknown key '{extra}'; use one of {', '.join(allowed)}")
        return node

    def integer(
        self, node: LineMap, key: str, where: str, low: int, high: int | None = None, default: int | None = None
    ) -> int:
        value = node.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < low or (high and value > high):
            bound = f"between {low} and {high}" if high else f"at least {low}"
            self.add(node.line_of(key), f"{where}.{key} must be a whole number {bound}, not {value!r}")
            return low
        return value

    def percent(self, node: LineMap, key: str, where: str, default: float | None = None, high: float = 100) -> Decimal:
        value = node.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= high:
            self.add(
                node.line_of(key), f"{where}.{key} must be a percentage from 0 to {high} (e.g. 1.5), not {value!r}"
            )
            return Decimal(0)
        return Decimal(str(value))

    def words(self, node: LineMap, key: str, where: str, example: str) -> tuple[str, ...]:
        value = node.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.add(node.line_of(key), f"{where}.{key} must be a list of names, e.g. [{example}], not {value!r}")
            return ()
        return tuple(v.strip() for v in value)

    def choice(
        self,
        node: LineMap,
        key: str,
        where: str,
        enum: Callable[[str], Any],
        options: list[str],
        default: str | None = None,
    ) -> Any:
        value = node.get(key, default)
        if value not in options:
            self.add(node.line_of(key), f"{where}.{key} must be one of {', '.join(options)}, not {value!r}")
            return enum(options[0])
        return enum(value)
