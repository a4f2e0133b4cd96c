"""Screens to text that fits the channel: pagination instead of truncation.

A screen is a list of lines (its text, then its options). They are cut into pieces that fit a page and
laid out greedily. A notice (an error line) never shifts what the caller is reading: it opens the page
the caller was on, and the pages before it stay as they were. Every page but the last offers `more`;
every page ends with the navigation footer, except where the caller has nowhere to go.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


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


@dataclass(frozen=True)
class Footers:
    """The navigation lines: on every page; `alone` when the screen fits one page; `last` on the last."""

    every: tuple[str, ...]
    alone: tuple[str, ...]
    last: tuple[str, ...]


@dataclass(frozen=True)
class Paged:
    """Page texts, and for each page the range of body pieces it shows (`line_of` maps a piece to its line)."""

    pages: list[str]
    spans: list[tuple[int, int]]
    line_of: list[int]

    def page_starting(self, piece: int) -> int:
        """The first page that starts at body piece `piece` or later (where a notice placed there opens)."""
        return next((number for number, (start, _end) in enumerate(self.spans) if start >= piece), len(self.pages) - 1)

    def page_of_line(self, line: int) -> int:
        """The first page showing (part of) body line `line`; the last page if there is no such line."""
        for number, (start, end) in enumerate(self.spans):
            if any(self.line_of[piece] >= line for piece in range(start, end)):
                return number
        return len(self.pages) - 1


def paginate(
    lines: Sequence[str],
    limit: int,
    more: str,
    footers: Footers,
    notice: Sequence[str] = (),
    at: int = 0,
) -> Paged:
    """Pages of at most `limit` characters. `notice` opens the page that starts at body piece `at`."""
    alone = "\n".join([*notice, *lines, *footers.alone])
    if len(alone) <= limit:
        return Paged([alone], [(0, len(lines))], list(range(len(lines))))
    room = limit - len("\n".join(footers.every)) - len(more) - (2 if footers.every else 1)
    pieces: list[tuple[str, int]] = [
        (piece, number) for number, raw in enumerate(lines) for piece in split_long_line(raw, room)
    ]
    at = max(0, min(at, len(pieces)))
    notes = [piece for raw in notice for piece in split_long_line(raw, room)]
    groups = _group([(text, index) for index, (text, _n) in enumerate(pieces[:at])], room)
    groups += _group([(text, None) for text in notes] + [(t, at + i) for i, (t, _n) in enumerate(pieces[at:])], room)
    texts, spans = [], []
    for number, group in enumerate(groups):
        last = number == len(groups) - 1
        texts.append(
            "\n".join(
                [*(text for text, _i in group), *([] if last else [more]), *(footers.last if last else footers.every)]
            )
        )
        shown = [index for _t, index in group if index is not None]
        spans.append((shown[0], shown[-1] + 1) if shown else (at, at))
    return Paged(texts, spans, [number for _text, number in pieces])


def _group(pieces: list[tuple[str, int | None]], room: int) -> list[list[tuple[str, int | None]]]:
    pages: list[list[tuple[str, int | None]]] = []
    used = 0
    for text, index in pieces:
        cost = len(text) + (1 if pages and pages[-1] else 0)
        if not pages or (pages[-1] and used + cost > room):
            pages.append([])
            used, cost = 0, len(text)
        pages[-1].append((text, index))
        used += cost
    return pages
