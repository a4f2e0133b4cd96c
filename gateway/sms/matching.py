"""Match an inbound SMS against the keyword book: exact first, one typo at most, never a guess."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from gateway.money import parse_amount
from gateway.sms.book import ArgKind, ArgSpec, Keyword, KeywordBook
from gateway.sms.textmatch import Token, fold, tokenize

MAX_MATCH_CHARS = 1600
"""Only this much of a body is read; Twilio's own limit for one message is 1600 characters."""

CODE_PATTERN = re.compile(r"^\d{4,8}$")
"""A one-time code (6 digits) or a PIN someone typed anyway: digits only, 4 to 8 of them."""
_RP = frozenset({"RP", "RP."})
_SUFFIXES = frozenset({"JT", "JUTA", "RB", "RIBU", "K"})


@dataclass(frozen=True)
class Match:
    keyword: Keyword
    typed: str
    args: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    code: str | None = None
    """Digits after the arguments: the one-time code of a `requires_auth` command."""
    corrected: bool = False
    """True when the word was one typo away from the keyword."""
    empty: bool = False
    """True when the body had no words and the book's `on_empty` keyword was chosen."""

    @property
    def command(self) -> str:
        """The command as the customer should repeat it, without the code: `BAYAR 500000`."""
        return " ".join(
            [self.keyword.word, *(str(self.args[a.name]) for a in self.keyword.args if a.name in self.args)]
        )


@dataclass(frozen=True)
class NoMatch:
    typed: str


@dataclass(frozen=True)
class Ambiguous:
    typed: str
    candidates: tuple[Keyword, ...]


@dataclass(frozen=True)
class BadArgs:
    """The keyword is known but an argument is missing or unreadable: reply with its `usage` text."""

    keyword: Keyword
    typed: str
    arg: str
    missing: bool


MatchResult = Match | NoMatch | Ambiguous | BadArgs


def match(book: KeywordBook, body: str) -> MatchResult:
    return analyse(book, body)[0]


def analyse(book: KeywordBook, body: str) -> tuple[MatchResult, list[Token], frozenset[int]]:
    """The match, the body's tokens, and the indexes of tokens consumed as arguments (for scrubbing)."""
    tokens = tokenize(body[:MAX_MATCH_CHARS])
    if not tokens:
        return Match(book.on_empty, "", empty=True), tokens, frozenset()
    head = tokens[0]
    keyword, corrected = book.exact(head.folded), False
    if keyword is None:
        near = book.near(head.folded)
        if len(near) > 1:
            return Ambiguous(head.text, near), tokens, frozenset()
        if not near:
            return NoMatch(head.text), tokens, frozenset()
        keyword, corrected = near[0], True
    args: dict[str, Any] = {}
    position = 1
    for spec in keyword.args:
        if spec.kind is ArgKind.TEXT:  # the rest as typed, punctuation included
            rest = body[tokens[position].start :].strip() if position < len(tokens) else ""
            value, used = (rest or None), len(tokens) - position
        else:
            value, used = _read_arg(spec, tokens[position:])
        if value is None:
            if spec.optional:
                continue
            consumed = frozenset(range(1, position))
            return BadArgs(keyword, head.text, spec.name, position >= len(tokens)), tokens, consumed
        args[spec.name] = value
        position += used
    consumed = frozenset(range(1, position))
    code = tokens[position].text if position < len(tokens) and CODE_PATTERN.match(tokens[position].text) else None
    result = Match(keyword, head.text, MappingProxyType(args), code, corrected)
    return result, tokens, consumed


def _read_arg(spec: ArgSpec, tokens: Sequence[Token]) -> tuple[Any, int]:
    """The argument's value and how many tokens it took; (None, 0) when it is not there or unreadable."""
    if not tokens:
        return None, 0
    if spec.kind is ArgKind.AMOUNT:
        return _read_amount(tokens)
    if spec.kind is ArgKind.NUMBER:
        text = tokens[0].text
        return (int(text), 1) if text.isdigit() and len(text) <= 6 else (None, 0)
    choice = spec.choices.get(tokens[0].folded)
    return (choice, 1) if choice else (None, 0)


def _read_amount(tokens: Sequence[Token]) -> tuple[int | None, int]:
    """`500000`, `1.500.000`, `Rp 1500000`, `Rp. 2jt`, `500 rb`: value and tokens used."""
    start = 1 if fold(tokens[0].text) in _RP else 0
    if start >= len(tokens):
        return None, 0
    used = start + 1
    text = tokens[start].text
    if used < len(tokens) and tokens[used].folded in _SUFFIXES:
        text, used = text + tokens[used].text, used + 1
    amount = parse_amount(text)
    return (amount, used) if amount is not None and amount > 0 else (None, 0)
