"""`check_sms(menus_dir, catalog)`: the keyword book plus its reply texts, for `jembatan menus check`.

Every reply must exist in every language, use GSM-7 only, and fit one SMS (160 septets) with the
longest value each placeholder can take, unless its keyword says `multi_segment: true` (then three). A reply
missing in a language other than the default is a warning (the default language's text is sent);
every other problem is an error.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gateway.engine.problems import Problem, Severity
from gateway.gsm7 import SINGLE_SEGMENT_SEPTETS, non_gsm7_characters, segments, septets
from gateway.i18n import Catalog
from gateway.sms.book import KeywordBook
from gateway.sms.commands import SYSTEM_COMMANDS
from gateway.sms.inbox import BANK_NAME_KEY
from gateway.sms.keywords import check_keywords, load_keywords

KEYWORDS_FILE = "sms.yaml"
MAX_SEGMENTS = 3
"""A multi_segment reply still fits three SMS with the longest values."""
SYSTEM_REPLIES = (
    "sms.unknown",
    "sms.ambiguous",
    "sms.not_registered",
    "sms.locked",
    "sms.error",
    "sms.auth.code_sent",
    "sms.auth.code_wrong",
    "sms.auth.code_burned",
    "sms.auth.code_missing",
    "sms.auth.too_many",
)
"""Texts the dispatcher sends whatever the keywords say."""

WORST_CASE: dict[str, str] = {
    "account": "****567890",
    "amount": "Rp999.999.999.999",
    "attempts": "3",
    "balance": "-Rp999.999.999.999",
    "bank": "BPR Sinar Makmur Sejahtera",  # bank short names are capped at 26 characters
    "choices": "BERHENTI / PINJAMAN / BANTUAN",
    "code": "482913",
    "command": "PINJAM 999999999 360",
    "date": "30 Sept 2026",
    "due_amount": "Rp999.999.999.999",
    "due_date": "30 Sept 2026",
    "entries": "; ".join(["30/09 Setor susu +Rp99.999.999"] * 5),  # savings.statement: five entries
    "instalment_no": "360",
    "instalments": "360",
    "max": "Rp999.999.999.999",
    "min": "Rp999.999.999.999",
    "minutes": "99",
    "outstanding": "Rp999.999.999.999",
    "reference": "RP-20260930-123456",
    "tenor": "360",
    "tenors": "3, 6, 9, 12, 18, 24, 36, 48",
    "tries_left": "2",
    # repaying (handlers/repay.py): an overdue instalment's note, the partial-payment minimum
    "late_note": " Terlambat 999 hari, denda Rp999.999.999.",
    "minimum": "Rp999.999.999.999",
    "owed": "Rp999.999.999.999",
    # PINJAM's quote and summary of terms (handlers/disclosure.py)
    "product_name": "Rumput Laut Panen 20",
    "principal": "Rp999.999.999.999",
    "total": "Rp999.999.999.999",
    "count": "9",
    "rate_text": "menurun 99,99% setahun",
    "yearly_rate": "999,9%",
    "fees_text": "provisi Rp99.999.999, administrasi Rp99.999.999, meterai Rp99.999 saat akad",
    "late_text": "0,15% sehari dari angsuran setelah 30 hari, paling banyak 10%",
    "every_text": "tiap 120 hari, saat panen",
    "plan_text": "11 x Rp99.999.999, lalu Rp999.999.999 pada panen terakhir",
    "first_due": "30 Sept 2026",
    # complaints (handlers/complaints.py)
    "ticket": "ADU-2026-000123",
    "answer_due": "30 Sept 2026",
}
"""The longest value each placeholder of an SMS text can take."""


def check_sms(menus_dir: Path, catalog: Any) -> list[Problem]:
    """Empty when the folder has no sms.yaml (SMS is optional)."""
    path = menus_dir / KEYWORDS_FILE
    if not path.exists():
        return []
    problems = check_keywords(path, known_handlers=_known_handlers())
    if problems or not isinstance(catalog, Catalog):
        return problems
    book = load_keywords(path)
    for key, source, multi in _reply_keys(book):
        problems.extend(_check_text(catalog, key, source, multi))
    return sorted(set(problems), key=problems.index)


def _known_handlers() -> set[str]:
    """The system commands and the handlers of the configured registry (`HANDLERS_MODULE`, as the app loads)."""
    from gateway.config import Settings
    from gateway.menus import load_handlers

    return set(SYSTEM_COMMANDS) | set(load_handlers(Settings.from_env().handlers_module))


def _reply_keys(book: KeywordBook) -> Iterator[tuple[str, str, bool]]:
    """(locale key, where it is named, may it take several SMS)."""
    for keyword in book.keywords:
        for key in keyword.replies.values():
            yield key, f"{book.source}:{keyword.line}", keyword.multi_segment
    for key in (*SYSTEM_REPLIES, *book.replies.values(), BANK_NAME_KEY):
        yield key, f"{book.source}:1", False


def _check_text(catalog: Catalog, key: str, source: str, multi_segment: bool) -> list[Problem]:
    problems: list[Problem] = []
    for lang in catalog.languages:
        if not catalog.has(lang, key):
            falls_back = lang != catalog.default_lang and catalog.has(catalog.default_lang, key)
            problems.append(
                Problem.parse(
                    f"{source}: the text '{key}' is missing in '{lang}' — add it to locales/{lang}.sms.yaml",
                    _warning_if(falls_back),
                )
            )
            continue
        template = catalog.template(lang, key)
        unknown = sorted(template.placeholders - set(WORST_CASE))
        if unknown:
            problems.append(
                Problem.parse(
                    f"{template.where}: '{key}' uses {unknown} with no known longest value — "
                    "use the placeholders other SMS texts use"
                )
            )
            continue
        text = template.render(WORST_CASE, lang)
        odd = non_gsm7_characters(text)
        if odd:
            problems.append(
                Problem.parse(
                    f"{template.where}: '{key}' has characters outside GSM-7 ({''.join(odd)!r}) — "
                    "they make the SMS cost more than double; use plain letters"
                )
            )
        elif multi_segment and segments(text) > MAX_SEGMENTS:
            problems.append(
                Problem.parse(
                    f"{template.where}: '{key}' takes {segments(text)} SMS with the longest values, "
                    f"more than {MAX_SEGMENTS} — shorten it"
                )
            )
        elif not multi_segment and septets(text) > SINGLE_SEGMENT_SEPTETS:
            problems.append(
                Problem.parse(
                    f"{template.where}: '{key}' takes {septets(text)} characters with the longest values, "
                    f"more than one SMS ({SINGLE_SEGMENT_SEPTETS}) — shorten it, "
                    "or mark its keyword multi_segment: true"
                )
            )
    return problems


def _warning_if(falls_back: bool) -> Severity:
    return Severity.WARNING if falls_back else Severity.ERROR
