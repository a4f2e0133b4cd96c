"""The GSM 03.38 default alphabet: which text a feature phone shows, and how many SMS it costs."""

from __future__ import annotations

BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
EXTENSION = "^{}\\[~]|€\f"
_BASIC_SET = frozenset(BASIC) - {"\x1b"}
_EXTENSION_SET = frozenset(EXTENSION)

SINGLE_SEGMENT_SEPTETS = 160
MULTI_SEGMENT_SEPTETS = 153
SINGLE_SEGMENT_UCS2 = 70
MULTI_SEGMENT_UCS2 = 67


def non_gsm7_characters(text: str) -> list[str]:
    """Characters that would force the whole message into UCS-2, in order of first appearance."""
    seen: dict[str, None] = {}
    for char in text:
        if char not in _BASIC_SET and char not in _EXTENSION_SET:
            seen.setdefault(char, None)
    return list(seen)


def is_gsm7(text: str) -> bool:
    return not non_gsm7_characters(text)


def septets(text: str) -> int:
    """Length in GSM-7 septets: extension characters take two."""
    return sum(2 if char in _EXTENSION_SET else 1 for char in text)


def segments(text: str) -> int:
    """How many SMS segments the text takes (GSM-7 when it can be, otherwise UCS-2)."""
    if is_gsm7(text):
        length, single, multi = septets(text), SINGLE_SEGMENT_SEPTETS, MULTI_SEGMENT_SEPTETS
    else:
        length = len(text.encode("utf-16-le")) // 2
        single, multi = SINGLE_SEGMENT_UCS2, MULTI_SEGMENT_UCS2
    if length <= single:
        return 1
    return -(-length // multi)


_LOOKALIKES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2026": "...",
        "\u00a0": " ",
        "\u2022": "-",
        "\u00b7": ".",
        "\t": " ",
    }
)


def to_gsm7(text: str, replacement: str = "?") -> str:
    """Replace typographic look-alikes with their GSM-7 twins and anything else with `replacement`."""
    text = text.translate(_LOOKALIKES)
    return "".join(c if c in _BASIC_SET or c in _EXTENSION_SET else replacement for c in text)
