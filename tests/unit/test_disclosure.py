"""How the disclosure says a schedule (handlers/disclosure.py), with the shipped texts in both languages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

import pytest

from gateway.banking.interface import (
    Instalment,
    InterestKind,
    LateFeeRule,
    LoanProduct,
    PatternKind,
    PrincipalRule,
    Quote,
    RepaymentPattern,
)
from gateway.engine.api import Call
from gateway.i18n import Catalog, load_catalog
from handlers._common import BankCall
from handlers.disclosure import fees_text, late_text, plan_text, rate_text, terms

CATALOG, _ = load_catalog(Path(__file__).resolve().parents[2] / "locales")
START = date(2026, 1, 5)


@dataclass
class Texts:
    catalog: Catalog
    lang: str

    def text(self, key: str, values: Any = None) -> str:
        return self.catalog.render(self.lang, key, values or {})


def call(lang: str = "id") -> BankCall:
    return cast(BankCall, Call("+6281220150101", lang, "ussd", "s", "k", cast(Any, Texts(CATALOG, lang))))


def product(pattern: RepaymentPattern, kind: InterestKind = InterestKind.FLAT_MONTHLY, **extra: Any) -> LoanProduct:
    return LoanProduct("p", {"id": "P", "en": "P"}, 1, 10**9, (6,), kind, Decimal("1.25"), pattern, **extra)


def quote(amounts: list[int], **fees: int) -> Quote:
    rows = tuple(Instalment(n, START + timedelta(days=30 * n), 0, 0, 0, a) for n, a in enumerate(amounts, start=1))
    return Quote("p", sum(amounts), 6, rows, **fees)


MONTHLY = RepaymentPattern(PatternKind.MONTHLY)
HARVEST_BALLOON = RepaymentPattern(PatternKind.HARVEST, 45, PrincipalRule.BALLOON)


@pytest.mark.parametrize(
    ("pattern", "amounts", "lang", "said"),
    [
        (MONTHLY, [100_000] * 3, "id", "3 x Rp100.000"),
        (MONTHLY, [100_000, 100_000, 100_002], "id", "2 x Rp100.000, lalu Rp100.002"),
        (MONTHLY, [250_000], "id", "sekali Rp250.000"),
        (MONTHLY, [100_000, 90_000, 80_000], "id", "3 kali, pertama Rp100.000, terakhir Rp80.000"),
        (HARVEST_BALLOON, [47_500] * 5 + [2_047_500], "id", "5 x Rp47.500, lalu Rp2.047.500 pada panen terakhir"),
        (HARVEST_BALLOON, [47_500] * 5 + [2_047_500], "en", "5 x Rp47,500, then Rp2,047,500 at the last harvest"),
        (
            RepaymentPattern(PatternKind.MONTHLY, principal=PrincipalRule.BALLOON),
            [10_000, 1_010_000],
            "id",
            "1 x Rp10.000, lalu Rp1.010.000 pada angsuran terakhir",
        ),
    ],
)
def test_plan_is_said_as_it_falls(pattern: RepaymentPattern, amounts: list[int], lang: str, said: str) -> None:
    assert plan_text(call(lang), product(pattern), quote(amounts)) == said


def test_method_fees_and_late_fee_by_name() -> None:
    declining = product(MONTHLY, InterestKind.DECLINING_ANNUAL)
    assert rate_text(call(), product(MONTHLY)) == "flat 1,25% sebulan"
    assert rate_text(call("en"), declining) == "declining 1.25% a year"
    assert (
        fees_text(call(), quote([1], fee_provisi=30_000, fee_admin=25_000)) == "provisi Rp30.000, administrasi Rp25.000"
    )
    assert fees_text(call(), quote([1], stamp_duty=10_000)) == "meterai Rp10.000 saat akad"
    assert fees_text(call(), quote([1])) == "tidak ada"
    late = product(MONTHLY, late_fee=LateFeeRule(Decimal("0.10"), 3, Decimal("10")))
    assert late_text(call(), late) == "0,1% sehari dari angsuran setelah 3 hari, paling banyak 10%"
    assert late_text(call(), product(MONTHLY)) == "tidak ada"


def test_terms_carry_dates_and_the_yearly_rate_as_text() -> None:
    plan = quote([100_000] * 3, fee_admin=5_000)
    got = terms(
        call(), product(MONTHLY), Quote(plan.product_code, 290_000, 3, plan.instalments, yearly_rate=Decimal("29.9"))
    )
    assert got["yearly_rate"] == "29,9%"
    assert (got["first_due"], got["last_due"]) == (START + timedelta(days=30), START + timedelta(days=90))
    assert got["every_text"] == "tiap bulan" and got["total"] == 300_000
