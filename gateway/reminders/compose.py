"""The words of a reminder: values for the locale templates, and the worst case they must fit.

A reminder names the bank's legal name and phone (`{bank}`, `{phone}`, from `bank:` in
menus/reminders.yaml), the real amount due (`{amount}`: the instalment still unpaid, plus "+ denda Rp…"
(`reminders.with_late_fee`) once a late fee is due) and the figure to type after BAYAR (`{pay}`:
what clears it, digits only).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from functools import lru_cache
from typing import Any

from gateway.banking.due_records import BorrowerInstalment
from gateway.gsm7 import to_gsm7
from gateway.i18n import Catalog, format_value
from gateway.money import Money
from gateway.reminders.contact import BankContact
from gateway.reminders.policy import Rule

NAME_MAX_CHARS = 20
WORST_AMOUNT = 99_999_999
"""The longest instalment the texts must fit in one SMS (Rp99.999.999); `jembatan menus check` raises it
to twice the largest product ceiling in menus/products.yaml when that is longer."""
WORST_NAME = "W" * NAME_MAX_CHARS
FORMAT_CACHE_SIZE = 16_384  # distinct (amount or date, language) pairs kept formatted (about 2 MB)
MAX_PER_MESSAGE = 2  # the templates name one or two instalments; more due the same day are paired
WITH_LATE_FEE = "reminders.with_late_fee"
FEE_PLACEHOLDERS = frozenset({"amount", "late_fee"})
ONE_PLACEHOLDERS = frozenset({"name", "amount", "due_date", "pay", "bank", "phone"})
TWO_PLACEHOLDERS = frozenset({"name", "amount_1", "amount_2", "total", "due_date", "bank", "phone"})
ONE_REQUIRED = frozenset({"amount", "due_date", "bank", "phone"})
TWO_REQUIRED = frozenset({"amount_1", "amount_2", "due_date", "bank", "phone"})


def short_name(name: str) -> str:
    """At most NAME_MAX_CHARS GSM-7 characters, cut at a word boundary when one is near."""
    clean = " ".join(to_gsm7(name).split())
    if len(clean) <= NAME_MAX_CHARS:
        return clean
    cut = clean[:NAME_MAX_CHARS]
    return cut.rsplit(" ", 1)[0] if " " in cut[NAME_MAX_CHARS // 2 :] else cut


def amount_text(catalog: Catalog, lang: str, outstanding: int, late_fee: int) -> str:
    """`Rp292.083`, or `Rp292.083 + denda Rp2.044` once a late fee is due."""
    amount = _formatted("Money", Money(outstanding), lang)
    if late_fee <= 0:
        return amount
    return catalog.render(
        lang, WITH_LATE_FEE, {"amount": amount, "late_fee": _formatted("Money", Money(late_fee), lang)}
    )


def values_for(catalog: Catalog, instalments: Sequence[BorrowerInstalment], bank: BankContact) -> dict[str, Any]:
    first = instalments[0]
    lang = first.lang
    values: dict[str, Any] = {
        "name": short_name(first.name),
        "due_date": _formatted("date", first.due_date, lang),
        "bank": bank.legal_name,
        "phone": bank.phone,
    }
    amounts = [amount_text(catalog, lang, item.outstanding, item.late_fee) for item in instalments]
    if len(instalments) == 1:
        values["amount"] = amounts[0]
        values["pay"] = str(first.outstanding + first.late_fee)
    else:
        values["amount_1"], values["amount_2"] = amounts[0], amounts[1]
        total = sum(item.outstanding + item.late_fee for item in instalments)
        values["total"] = _formatted("Money", Money(total), lang)
    return values


def text_key(rule: Rule, count: int) -> str:
    return rule.text if count == 1 else rule.text_two


def render_reminder(catalog: Catalog, rule: Rule, instalments: Sequence[BorrowerInstalment], bank: BankContact) -> str:
    """The message for one or two instalments of one borrower due the same day, in the borrower's language
    (the one they last chose on USSD or by SMS, stored with the customer)."""
    if not 1 <= len(instalments) <= MAX_PER_MESSAGE:
        raise ValueError(f"a reminder names 1 or {MAX_PER_MESSAGE} instalments, not {len(instalments)}")
    lang = instalments[0].lang
    return catalog.render(lang, text_key(rule, len(instalments)), values_for(catalog, instalments, bank))


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


def worst_case_values(
    catalog: Catalog,
    lang: str,
    two: bool,
    bank: BankContact,
    worst_amount: int = WORST_AMOUNT,
    late_fee: int = 0,
) -> Iterator[Mapping[str, Any]]:
    """The longest values a template can meet: every month (names differ in length), top amounts, and
    the late fee given (0: none)."""
    for month in range(1, 13):
        instalment = BorrowerInstalment(
            0, 0, 0, "", WORST_NAME, lang, "Asia/Jakarta", date(2026, month, 28), worst_amount, late_fee
        )
        yield values_for(catalog, [instalment] * (2 if two else 1), bank)
