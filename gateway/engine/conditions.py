"""`when:` conditions in menus: `registered`, `not locked`, `lang == en`, `product != dairy`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_CONDITION = re.compile(r"^\s*(not\s+)?([A-Za-z_][\w.]*)\s*(?:(==|!=)\s*['\"]?([^'\"]*?)['\"]?)?\s*$")


@dataclass(frozen=True)
class Condition:
    name: str
    negate: bool = False
    operator: str | None = None
    value: str | None = None

    def holds(self, values: Mapping[str, Any]) -> bool:
        current = values.get(self.name)
        if self.operator is None:
            result = bool(current)
        else:
            same = _as_text(current) == self.value
            result = same if self.operator == "==" else not same
        return not result if self.negate else result


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def parse_condition(text: str) -> Condition:
    """Raises ValueError with a hint when the text is not a condition."""
    match = _CONDITION.match(text)
    if not match:
        raise ValueError(f"cannot read condition '{text}'; write e.g. 'registered', 'not locked' or 'lang == en'")
    negate, name, operator, value = match.groups()
    return Condition(name=name, negate=bool(negate), operator=operator, value=value)
