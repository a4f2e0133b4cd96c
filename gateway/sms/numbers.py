"""Numbers from the wire: ASCII digits only.

`str.isdigit()` accepts `²`, `٣` and other Unicode digits that `int()` then refuses (or reads as
another number): every number a provider or a URL gives us is parsed here instead.
"""

from __future__ import annotations

import re

MAX_DIGITS = 18
_ASCII_DIGITS = re.compile(rf"[0-9]{{1,{MAX_DIGITS}}}")


def ascii_int(text: str | None) -> int | None:
    """`"30"` -> 30; None for anything but 1 to MAX_DIGITS ASCII digits (no sign, no spaces, no `²`)."""
    if not isinstance(text, str) or not _ASCII_DIGITS.fullmatch(text):
        return None
    return int(text)
