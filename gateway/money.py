"""Rupiah amounts: integers, parsed forgivingly from what a farmer types."""

from __future__ import annotations

import re


class Money(int):
    """An amount in whole rupiah; renders as `Rp1.500.000` (see gateway.i18n)."""

    __slots__ = ()


_SUFFIXES = {"jt": 1_000_000, "juta": 1_000_000, "rb": 1_000, "ribu": 1_000, "k": 1_000}
_AMOUNT = re.compile(r"^(?:rp\.?)?\s*(\d[\d.,]*)\s*(jt|juta|rb|ribu|k)?$")
_GROUPED_DOTS = re.compile(r"^\d{1,3}(?:\.\d{3})+$")
_GROUPED_COMMAS = re.compile(r"^\d{1,3}(?:,\d{3})+$")
_DECIMAL = re.compile(r"^\d+(?:[.,]\d{1,2})?$")
MAX_DIGITS = 15


def parse_amount(text: str) -> int | None:
    """`1.500.000`, `Rp 1500000`, `1,500,000`, `2jt`, `1,5jt`, `500rb` -> rupiah; None if not an amount."""
    cleaned = text.strip().lower().replace(" ", "")
    match = _AMOUNT.match(cleaned)
    if not match:
        return None
    number, suffix = match.group(1).rstrip(".,"), match.group(2)
    if suffix:
        if not _DECIMAL.match(number):
            return None
        value = float(number.replace(",", ".")) * _SUFFIXES[suffix]
        return round(value) if len(number) <= MAX_DIGITS else None
    if _GROUPED_DOTS.match(number) or _GROUPED_COMMAS.match(number):
        number = number.replace(".", "").replace(",", "")
    if not number.isdigit() or len(number) > MAX_DIGITS:
        return None
    return int(number)
