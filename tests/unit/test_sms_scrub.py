from __future__ import annotations

from pathlib import Path

import pytest

from gateway.sms.book import KeywordBook
from gateway.sms.keywords import load_keywords
from gateway.sms.scrub import MASK, scrub

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def book() -> KeywordBook:
    return load_keywords(ROOT / "menus" / "sms.yaml")


@pytest.mark.parametrize(
    ("body", "scrubbed"),
    [
        ("SALDO 482913", f"SALDO {MASK}"),
        ("saldo, 482913!", f"saldo, {MASK}!"),
        ("BAYAR 500000 482913", f"BAYAR 500000 {MASK}"),
        ("bayar Rp 1.500.000 123456", f"bayar Rp 1.500.000 {MASK}"),
        ("BAYAR 500 rb 1234", f"BAYAR 500 rb {MASK}"),
        ("PINJAM 2000000 6 654321", f"PINJAM 2000000 6 {MASK}"),
        ("482913", MASK),
        ("SLADOO 482913", f"SLADOO {MASK}"),  # no match, still scrubbed
        ("BANTUAN pin saya 1234", f"BANTUAN pin saya {MASK}"),
        ("BAYAR abc 482913", f"BAYAR abc {MASK}"),
        ("SALDO", "SALDO"),
        ("BAYAR 500000", "BAYAR 500000"),  # the amount is an argument, not a code
        ("SALDO 123", "SALDO 123"),  # too short to be a PIN
        ("telp 081234567890", "telp 081234567890"),  # a phone number is not a PIN
    ],
)
def test_codes_and_pins_are_masked(book: KeywordBook, body: str, scrubbed: str) -> None:
    assert scrub(body, book) == scrubbed


def test_codes_beyond_the_matched_part_are_masked_too(book: KeywordBook) -> None:
    body = "SALDO " + "x" * 2000 + " 482913"
    assert scrub(body, book) == "SALDO " + "x" * 2000 + f" {MASK}"


def test_unicode_is_kept(book: KeywordBook) -> None:
    assert scrub("SALDO 😊 482913 terima kasih", book) == f"SALDO 😊 {MASK} terima kasih"
