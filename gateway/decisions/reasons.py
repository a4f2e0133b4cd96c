"""Reason codes an officer may give for a decline: the bank's own list (`decisions.reason.*` in the locales,
code and plain text in each language) and the scorecard's reason codes (`scoring.reason.*`)."""

from __future__ import annotations

from gateway.i18n import Catalog

OFFICER_PREFIX = "decisions.reason."
SCORECARD_PREFIX = "scoring.reason."


def known_reason(catalog: Catalog, code: str) -> bool:
    if not code or not code.replace("_", "").isalnum():
        return False
    lang = catalog.default_lang
    return catalog.has(lang, OFFICER_PREFIX + code) or catalog.has(lang, SCORECARD_PREFIX + code)


def officer_reasons(catalog: Catalog, lang: str) -> dict[str, str]:
    """The bank's decline reasons, code -> text in `lang`."""
    keys = sorted(k for k in catalog.templates.get(catalog.default_lang, {}) if k.startswith(OFFICER_PREFIX))
    return {key.removeprefix(OFFICER_PREFIX): catalog.render(lang, key) for key in keys}
