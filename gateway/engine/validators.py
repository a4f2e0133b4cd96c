"""Input validators for `input` screens; each error names a locale key and the values it needs."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from gateway.gsm7 import to_gsm7
from gateway.money import Money, parse_amount
from gateway.pin_format import PIN_LENGTH, is_weak_pin


@dataclass(frozen=True)
class Checked:
    value: Any = None
    error: str | None = None
    error_values: Mapping[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error is None


Check = Callable[[str, Mapping[str, Any]], Checked]


def _number(text: str, params: Mapping[str, Any]) -> Checked:
    digits = text.strip()
    lo, hi = params.get("min"), params.get("max")
    if not digits.isdigit() or len(digits) > 12:
        return Checked(error="engine.invalid.number", error_values={"min": lo, "max": hi})
    value = int(digits)
    if (lo is not None and value < int(lo)) or (hi is not None and value > int(hi)):
        return Checked(error="engine.invalid.range", error_values={"min": lo, "max": hi})
    return Checked(value)


def _amount(text: str, params: Mapping[str, Any]) -> Checked:
    lo, hi = params.get("min"), params.get("max")
    bounds = {"min": Money(int(lo)) if lo is not None else None, "max": Money(int(hi)) if hi is not None else None}
    value = parse_amount(text)
    if value is None:
        return Checked(error="engine.invalid.amount", error_values=bounds)
    if (lo is not None and value < int(lo)) or (hi is not None and value > int(hi)):
        return Checked(error="engine.invalid.amount_range", error_values=bounds)
    return Checked(Money(value))


def _choice(text: str, params: Mapping[str, Any]) -> Checked:
    wanted = text.strip().lower()
    for choice in params.get("choices", ()):
        if str(choice).lower() == wanted:
            return Checked(str(choice))
    return Checked(error="engine.invalid.choice", error_values={"choices": "/".join(map(str, params["choices"]))})


def _regex(text: str, params: Mapping[str, Any]) -> Checked:
    if re.fullmatch(str(params["pattern"]), text.strip()):
        return Checked(text.strip())
    return Checked(error="engine.invalid.format")


def _text(text: str, params: Mapping[str, Any]) -> Checked:
    cleaned = " ".join(to_gsm7(text, "").split())
    if not cleaned or len(cleaned) > int(params.get("max_length", 40)):
        return Checked(error="engine.invalid.text", error_values={"max": params.get("max_length", 40)})
    return Checked(cleaned)


_DATE_FORMATS = (
    re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$"),
    re.compile(r"^(\d{2})(\d{2})(\d{4})$"),
)


def _date(text: str, params: Mapping[str, Any]) -> Checked:
    for pattern in _DATE_FORMATS:
        match = pattern.match(text.strip())
        if match:
            day, month, year = (int(part) for part in match.groups())
            try:
                return Checked(date(year, month, day))
            except ValueError:
                break
    return Checked(error="engine.invalid.date")


def _pin(text: str, params: Mapping[str, Any]) -> Checked:
    pin = text.strip()
    if len(pin) != PIN_LENGTH or not pin.isdigit():
        return Checked(error="engine.invalid.pin", error_values={"length": PIN_LENGTH})
    return Checked(pin)


def _new_pin(text: str, params: Mapping[str, Any]) -> Checked:
    checked = _pin(text, params)
    if checked.ok and is_weak_pin(checked.value):
        return Checked(error="engine.invalid.weak_pin")
    return checked


VALIDATORS: Mapping[str, Check] = {
    "number": _number,
    "amount": _amount,
    "choice": _choice,
    "regex": _regex,
    "text": _text,
    "date": _date,
    "pin": _pin,
    "new_pin": _new_pin,
}
SECRET_KINDS = frozenset({"pin", "new_pin"})
REQUIRED_PARAMS: Mapping[str, tuple[str, ...]] = {"choice": ("choices",), "regex": ("pattern",)}
KNOWN_PARAMS: Mapping[str, frozenset[str]] = {
    "number": frozenset({"min", "max"}),
    "amount": frozenset({"min", "max"}),
    "choice": frozenset({"choices"}),
    "regex": frozenset({"pattern"}),
    "text": frozenset({"max_length"}),
    "date": frozenset(),
    "pin": frozenset({"same_as"}),
    "new_pin": frozenset(),
}


def resolve_params(params: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """`min: $product_min` takes the session value `product_min`."""
    resolved: dict[str, Any] = {}
    for key, value in params.items():
        if isinstance(value, str) and value.startswith("$"):
            resolved[key] = values.get(value[1:])
        else:
            resolved[key] = value
    return resolved
