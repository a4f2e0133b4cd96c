"""The SMS that effects send (locales/*.effects.yaml): GSM-7, one segment with long values, in every language."""

from __future__ import annotations

import pytest

from gateway.gsm7 import is_gsm7, segments
from gateway.i18n import load_catalog
from gateway.money import Money
from tests.conftest import ROOT

LONG = {
    "bank": "B" * 26,
    "instalment_no": 12,
    "loan": "PJ" + "X" * 8,
    "amount": Money(999_999_999),
    "outstanding": Money(999_999_999),
    "reference": "BY" + "X" * 8,
    "product_name": "Kredit Usaha Tani",
    "tenor": 24,
}


@pytest.mark.parametrize(
    "key", ["effects.receipt", "effects.receipt_partial", "effects.receipt_payoff", "effects.application"]
)
def test_effect_sms_fit_one_segment_in_every_language(key: str) -> None:
    catalog, problems = load_catalog(ROOT / "locales")
    assert problems == []
    for lang in catalog.languages:
        text = catalog.render(lang, key, LONG)
        assert is_gsm7(text), (lang, text)
        assert segments(text) == 1, (lang, len(text), text)
        assert LONG["reference"] in text and "999" in text
