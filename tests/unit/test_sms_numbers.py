from __future__ import annotations

import pytest

from gateway.sms.numbers import MAX_DIGITS, ascii_int


@pytest.mark.parametrize(
    "text, expected", [("0", 0), ("30003", 30003), ("007", 7), ("9" * MAX_DIGITS, int("9" * MAX_DIGITS))]
)
def test_ascii_digits_are_numbers(text: str, expected: int) -> None:
    assert ascii_int(text) == expected


@pytest.mark.parametrize(
    "text", ["", "²", "٣٠", "３", "-1", "+1", "1.5", " 1", "1 ", "1e3", "9" * (MAX_DIGITS + 1), None]
)
def test_anything_else_is_none(text: str | None) -> None:
    assert "²".isdigit()  # why this module exists: isdigit() says yes, int() says no
    assert ascii_int(text) is None
