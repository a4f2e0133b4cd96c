"""The loan texts outside the menus check: the SMS summary of terms sent after an application."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.gsm7 import non_gsm7_characters, segments
from gateway.i18n import load_catalog

LOCALES = Path(__file__).resolve().parents[2] / "locales"
MAX_SEGMENTS = 3
WIDEST = {
    # Amounts up to Rp99.999.999 (the largest product, menus/products.yaml, lends Rp25.000.000).
    "bank": "BPR Sinar Makmur Sejahtera",  # bank short names are capped at 26 characters
    "product_name": "Rumput Laut Panen 20",  # product names are capped at 20 characters
    "amount": "Rp99.999.999",
    "total": "Rp99.999.999",
    "reference": "PJ7K2M9Q",
    "tenor": "60",
    "rate_text": "menurun 99,99% setahun",
    "yearly_rate": "999,9%",
    "fees_text": "provisi Rp999.999, administrasi Rp999.999, meterai Rp10.000 saat akad",
    "late_text": "0,15% sehari dari angsuran setelah 30 hari, paling banyak 10%",
    "every_text": "tiap 120 hari, saat panen",
    "plan_text": "11 x Rp9.999.999, lalu Rp99.999.999 pada panen terakhir",
    "first_due": "30 Sept 2026",
}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_summary_of_terms_fits_three_gsm7_sms_with_the_longest_values(lang: str) -> None:
    catalog, problems = load_catalog(LOCALES)
    assert [p for p in problems if ".loans." in p] == []
    text = catalog.render(lang, "loans.sms.terms", WIDEST)
    assert "{" not in text
    assert non_gsm7_characters(text) == []
    assert segments(text) <= MAX_SEGMENTS, (segments(text), len(text))
