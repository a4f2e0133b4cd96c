"""The words of a reminder: values for the locale templates, and the worst case they must fit."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from gateway.banking.due_records import BorrowerInstalment
from gateway.gsm7 import to_gsm7
from gateway.i18n import Catalog, format_value
from gateway.money import Money
from gateway.reminders.policy import Rule

NAME_MAX_CHARS = 20
WORST_AMOUNT = 999_999_999
WORST_NAME = "W" * NAME_MAX_CHARS
FORMAT_CACHE_SIZE = 16_384  # distinct (amount or date, language) pairs kept formatted (about 2 MB)
MAX_PER_MESSAGE = 2  # the templates name one or two instalments; more due the same day are paired
ONE_PLACEHOLDERS = frozenset({"name", "amount", "due_date"})
TWO_PLACEHOLDERS = frozenset({"name", "amount_1", "amount_2", "total", "due_date"})
ONE_REQUIRED = frozenset({"amount", "due_date"})
TWO_REQUIRED = frozenset({"amount_1", "amount_2", "due_date"})


def short_name(name: str) -> str:
    """At most NAME_MAX_CHARS GSM-7 characters, cut at a word boundary when one is near."""
    clean = " ".join(to_gsm7(name).split())
    if len(clean) <= NAME_MAX_CHARS:
        return clean
    cut = clean[:NAME_MAX_CHARS]
    return cut.rsplit(" ", 1)[0] if " " in cut[NAME_MAX_CHARS // 2 :] else cut


def values_for(instalments: Sequence[BorrowerInstalment]) -> dict[str, Any]:
    first = instalments[0]
    values: dict[str, Any] = {"name": short_name(first.name), "due_date": first.due_date}
    if len(instalments) == 1:
        values["amount"] = Money(first.outstanding)
    else:
        values["amount_1"] = Money(first.outstanding)
        values["amount_2"] = Money(instalments[1].outstanding)
        values["total"] = Money(sum(i.outstanding for i in instalments))
    return values


def text_key(rule: Rule, count: int) -> str:
    return rule.text if count == 1 else rule.text_two


def render_reminder(catalog: Catalog, rule: Rule, instalments: Sequence[BorrowerInstalment]) -> str:
    """The message for one or two instalments of one borrower due the same day, in the borrower's language."""
    if not 1 <= len(instalments) <= MAX_PER_MESSAGE:
        raise ValueError(f"a reminder names 1 or {MAX_PER_MESSAGE} instalments, not {len(instalments)}")
    lang = instalments[0].lang
    values = {
        name: value if isinstance(value, str) else _formatted(type(value).__name__, value, lang)
        for name, value in values_for(instalments).items()
    }
    return catalog.render(lang, text_key(rule, len(instalments)), values)


@lru_cache(maxsize=FORMAT_CACHE_SIZE)
def _formatted(kind: str, value: Any, lang: str) -> str:
    """gateway.i18n's own formatting, remembered: Babel is slow and a day's amounts and dates repeat.

    `kind` is part of the key because Money(5) == 5 would otherwise share an entry with a plain int.
    """
    return format_value(value, lang)


def in_messages(instalments: Sequence[BorrowerInstalment]) -> Iterator[Sequence[BorrowerInstalment]]:
    """One borrower's instalments due the same day, in messages of at most MAX_PER_MESSAGE."""
    for start in range(0, len(instalments), MAX_PER_MESSAGE):
        yield instalments[start : start + MAX_PER_MESSAGE]


def worst_case_values(two: bool) -> Iterator[Mapping[str, Any]]:
    """The longest values a template can meet: every month (names differ in length), top amounts."""
    for month in range(1, 13):
        values: dict[str, Any] = {"name": WORST_NAME, "due_date": date(2026, month, 28)}
        if two:
            values |= {
                "amount_1": Money(WORST_AMOUNT),
                "amount_2": Money(WORST_AMOUNT),
                "total": Money(2 * WORST_AMOUNT),
            }
        else:
            values["amount"] = Money(WORST_AMOUNT)
        yield values
