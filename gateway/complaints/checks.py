"""`check_complaints`: the complaint SMS texts, as `jembatan menus check` reports them.

Every text in every language, GSM-7 only, and within its SMS budget with the longest values: the
acknowledgement one SMS (it is also the reply to PENGADUAN, checked there too), the extension notice two
(with a reason of MAX_REASON_CHARS), the answer three (with an answer of MAX_ANSWER_CHARS).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from gateway.complaints.records import MAX_ANSWER_CHARS, MAX_REASON_CHARS
from gateway.engine.problems import Problem
from gateway.gsm7 import non_gsm7_characters, segments, septets
from gateway.i18n import Catalog
from gateway.money import Money

LONGEST = {
    "bank": "BPR Sinar Makmur Sejahtera",  # sms.bank is capped at 26 characters
    "ticket": "ADU-2026-000123",
    "answer_due": date(2026, 9, 30),
    "answer": "W" * MAX_ANSWER_CHARS,
    "reason": "W" * MAX_REASON_CHARS,
    "amount": Money(999_999_999),
}
BUDGETS = {"complaints.sms.ack": 1, "complaints.sms.extended": 2, "complaints.sms.answer": 3}


def check_complaints(_menus_dir: Path, catalog: object) -> list[Problem]:
    if not isinstance(catalog, Catalog):
        return []
    problems: list[Problem] = []
    for key, budget in BUDGETS.items():
        for lang in catalog.languages:
            if not catalog.has(lang, key):
                where = catalog.sources.get(lang, f"locales/{lang}.yaml")
                message = f"text '{key}' is missing — add it to locales/{lang}.complaints.yaml"
                problems.append(Problem(where, 1, message))
                continue
            template = catalog.template(lang, key)
            text = template.render(LONGEST, lang)
            source, _, line = template.where.rpartition(":")
            bad = non_gsm7_characters("".join(part for part, _name in template.parts))
            if bad:
                message = f"'{key}' has characters outside GSM-7 ({' '.join(map(repr, bad))}) — use plain ones"
                problems.append(Problem(source, int(line), message))
            elif segments(text) > budget:
                message = f"'{key}' can reach {septets(text)} characters with the longest values — fit {budget} SMS"
                problems.append(Problem(source, int(line), message))
    return problems
