"""SMS replies: GSM-7 only, one segment with the longest values, the same keys in every language."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.gsm7 import SINGLE_SEGMENT_SEPTETS, non_gsm7_characters, septets
from gateway.i18n import Template, load_catalog, read_catalog_text
from gateway.sms.keyword_checks import WORST_CASE
from gateway.sms.keywords import load_keywords

ROOT = Path(__file__).resolve().parents[2]
LANGS = ("id", "en")

# The longest value each placeholder can take (shared with `jembatan menus check`). A new placeholder
# fails the suite until it is listed there.


def catalog(lang: str) -> dict[str, Template]:
    path = ROOT / "locales" / f"{lang}.sms.yaml"
    templates, problems = read_catalog_text(path.read_text(encoding="utf-8"), f"locales/{lang}.sms.yaml")
    assert problems == []
    return templates


@pytest.mark.parametrize("lang", LANGS)
def test_every_reply_is_gsm7_and_fits_one_segment(lang: str) -> None:
    """Except the replies of keywords marked `multi_segment: true`."""
    book = load_keywords(ROOT / "menus" / "sms.yaml")
    several = {key for keyword in book.keywords if keyword.multi_segment for key in keyword.replies.values()}
    for key, template in catalog(lang).items():
        assert key.startswith("sms."), key
        missing = template.placeholders - set(WORST_CASE)
        assert not missing, f"{key}: add a worst case for {sorted(missing)}"
        text = template.render(WORST_CASE, lang)
        assert non_gsm7_characters(text) == [], f"{key}: {non_gsm7_characters(text)}"
        assert key in several or septets(text) <= SINGLE_SEGMENT_SEPTETS, f"{key}: {septets(text)} septets"


def test_languages_have_the_same_keys_and_placeholders() -> None:
    indonesian, english = catalog("id"), catalog("en")
    assert set(indonesian) == set(english)
    for key, template in indonesian.items():
        assert template.placeholders == english[key].placeholders, key


def test_every_reply_named_in_the_keyword_book_exists() -> None:
    book = load_keywords(ROOT / "menus" / "sms.yaml")
    needed = {key for keyword in book.keywords for key in keyword.replies.values()}
    needed |= {
        "sms.unknown",
        "sms.ambiguous",
        "sms.auth.code_sent",
        "sms.auth.code_wrong",
        "sms.auth.code_burned",
        "sms.auth.code_missing",
        "sms.auth.too_many",
    }
    whole, _problems = load_catalog(ROOT / "locales")  # a feature's replies may live in its own part file
    for lang in LANGS:
        present = set(whole.templates.get(lang, {}))
        assert needed <= present, f"{lang}: {sorted(needed - present)}"
