"""Screens to text that fits the channel: pagination instead of truncation."""

from __future__ import annotations

from collections.abc import Sequence


def split_long_line(line: str, width: int) -> list[str]:
    """Break a line that cannot fit a page at word boundaries (hard break for a giant word)."""
    pieces: list[str] = []
    current = ""
    for word in line.split(" "):
        while len(word) > width:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(word[:width])
            word = word[width:]
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= width:
            current = candidate
        else:
            pieces.append(current)
            current = word
    if current or not pieces:
        pieces.append(current)
    return pieces


def paginate(lines: Sequence[str], limit: int, more: str, footer: Sequence[str]) -> list[str]:
    """Pages of at most `limit` characters; every page ends with `footer`, all but the last with `more`."""
    tail = "\n".join(footer)
    whole = "\n".join([*lines, *footer])
    if len(whole) <= limit:
        return [whole]
    room = limit - len(tail) - len(more) - (2 if tail else 1)
    pages: list[list[str]] = [[]]
    used = 0
    for raw in lines:
        for line in split_long_line(raw, room):
            cost = len(line) + (1 if pages[-1] else 0)
            if pages[-1] and used + cost > room:
                pages.append([])
                used, cost = 0, len(line)
            pages[-1].append(line)
            used += cost
    texts = []
    for index, page in enumerate(pages):
        extra = [more] if index < len(pages) - 1 else []
        texts.append("\n".join([*page, *extra, *footer]))
    return texts
