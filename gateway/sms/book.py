"""The keyword book read from `menus/sms.yaml`: immutable, indexed by every word a customer may type."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType

from gateway.sms.textmatch import within_one_edit

MIN_FUZZY_LENGTH = 4
"""Words shorter than this (typed or known) match only exactly: `END` must never catch `ENDS`."""


class ArgKind(str, Enum):
    AMOUNT = "amount"  # rupiah, parsed with gateway.money.parse_amount
    NUMBER = "number"  # a whole number such as a tenor in months
    CHOICE = "choice"  # one of a fixed set of words, each with aliases
    TEXT = "text"  # the rest of the message as typed (a complaint); only as the last argument


@dataclass(frozen=True)
class ArgSpec:
    name: str
    kind: ArgKind
    optional: bool = False
    choices: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """For CHOICE: every accepted word (folded) -> the value it stands for (`INGGRIS` -> `EN`)."""

    @property
    def usage(self) -> str:
        text = "|".join(sorted(set(self.choices.values()))) if self.kind is ArgKind.CHOICE else f"<{self.name}>"
        return f"[{text}]" if self.optional else text


@dataclass(frozen=True)
class Keyword:
    name: str
    word: str
    synonyms: tuple[str, ...]
    handler: str
    args: tuple[ArgSpec, ...] = ()
    requires_auth: bool = False
    replies: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Handler result category (`ok`, `usage`, ...) -> locale key."""
    line: int = 0
    exact: bool = False
    """No typo tolerance: `STOK` (stock) must never opt anyone out through `STOP`."""
    multi_segment: bool = False
    """Its replies may take more than one SMS (the check allows it)."""
    preview: str = ""
    """A handler that changes nothing, run before the one-time code is sent: on `ok` its data fill the
    `preview` reply, which carries the code, so the customer confirms what she read by repeating the
    command with it (PINJAM's quote); any other category is answered as the keyword says, with no code."""
    open_to_all: bool = False
    """Any sender may use it, a stranger or a locked customer included, SMS banking on or off: it shows no
    money and moves none (PENGADUAN: a complaint channel must not sit behind the PIN)."""

    @property
    def words(self) -> tuple[str, ...]:
        return (self.word, *self.synonyms)

    @property
    def usage(self) -> str:
        """`BAYAR <amount>`, `BAHASA EN|ID`: for texts and error messages."""
        return " ".join([self.word, *(arg.usage for arg in self.args)])


@dataclass(frozen=True)
class KeywordBook:
    keywords: tuple[Keyword, ...]
    on_empty: Keyword
    source: str = "menus/sms.yaml"
    replies: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Default handler result category -> locale key (top-level `replies:`); a keyword's own win."""
    _by_word: Mapping[str, Keyword] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index = {word: keyword for keyword in self.keywords for word in keyword.words}
        object.__setattr__(self, "_by_word", MappingProxyType(index))

    def exact(self, folded_word: str) -> Keyword | None:
        return self._by_word.get(folded_word)

    def near(self, folded_word: str) -> tuple[Keyword, ...]:
        """Keywords with a word one edit away; empty for short words and exact-only keywords.
        Several means: don't guess."""
        if len(folded_word) < MIN_FUZZY_LENGTH:
            return ()
        found: dict[str, Keyword] = {}
        for word, keyword in self._by_word.items():
            if not keyword.exact and len(word) >= MIN_FUZZY_LENGTH and within_one_edit(folded_word, word):
                found.setdefault(keyword.name, keyword)
        return tuple(found.values())

    def by_name(self, name: str) -> Keyword:
        for keyword in self.keywords:
            if keyword.name == name:
                return keyword
        raise KeyError(name)

    def reply_key(self, keyword: Keyword, category: str) -> str | None:
        return keyword.replies.get(category) or self.replies.get(category)

    def by_handler(self, handler: str) -> Keyword | None:
        return next((k for k in self.keywords if k.handler == handler), None)
