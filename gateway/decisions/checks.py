"""`jembatan menus check` for the decision texts: every SMS a customer gets about her application is GSM-7 and
fits three SMS with the longest values, in every language; the bank's decline reasons have a text in every
language; and no text calls a decision "ditolak" (the words are "tidak disetujui")."""

from __future__ import annotations

from pathlib import Path

from gateway.engine.problems import Problem
from gateway.gsm7 import non_gsm7_characters, segments
from gateway.i18n import Catalog
from gateway.sms.keyword_checks import WORST_CASE

SMS_PREFIX = "decisions.sms."
REASON_PREFIX = "decisions.reason."
MAX_SEGMENTS = 3
FORBIDDEN_WORDS = ("ditolak",)
LONGEST = {
    **WORST_CASE,
    "answer_by": "30 Sept 2026",
    "first_amount": "Rp999.999.999",
    "last_amount": "Rp999.999.999",
    "last_due": "30 Sept 2026",
}


def _longest_reasons(catalog: Catalog, lang: str) -> str:
    keys = [k for k in catalog.templates.get(catalog.default_lang, {}) if k.startswith(REASON_PREFIX)]
    texts = sorted((catalog.render(lang, key) for key in keys), key=len, reverse=True)
    return "; ".join(texts[:2])


def check_decisions(_menus_dir: Path, catalog: object) -> list[Problem]:
    if not isinstance(catalog, Catalog):
        return []
    problems: list[str] = []
    default = catalog.templates.get(catalog.default_lang, {})
    for key in sorted(k for k in default if k.startswith(("decisions.", "banking.status."))):
        for lang in catalog.languages:
            if not catalog.has(lang, key):
                problems.append(f"{catalog.sources.get(lang, lang)}:1: the text '{key}' is missing in '{lang}'")
                continue
            template = catalog.template(lang, key)
            words = catalog.render(lang, key, {}).lower()
            bad = [word for word in FORBIDDEN_WORDS if word in words]
            if bad:
                problems.append(f"{template.where}: '{key}' says {bad[0]!r}: write 'tidak disetujui'")
            if not key.startswith(SMS_PREFIX):
                continue
            unknown = sorted(template.placeholders - set(LONGEST) - {"reasons"})
            if unknown:
                problems.append(f"{template.where}: '{key}' uses {unknown} with no known longest value")
                continue
            text = template.render({**LONGEST, "reasons": _longest_reasons(catalog, lang)}, lang)
            odd = non_gsm7_characters(text)
            if odd:
                problems.append(f"{template.where}: '{key}' has characters outside GSM-7 ({''.join(odd)!r})")
            elif segments(text) > MAX_SEGMENTS:
                problems.append(
                    f"{template.where}: '{key}' takes {segments(text)} SMS with the longest values, "
                    f"more than {MAX_SEGMENTS}: shorten it"
                )
    return [Problem.parse(problem) for problem in problems]
