from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from gateway.banking.interface import EarlyPayoff, InterestKind, LateFeeRule, PatternKind, PrincipalRule, StampDuty
from gateway.banking.products import DEFAULT_PATH, ProductsError, check_products, load_products, read_products
from gateway.engine.problems import Severity

GOOD = """\
products:
  dairy_cow:
    name: {id: "Sapi Perah", en: "Dairy cow"}
    amount: {min: 1000000, max: 20000000}
    tenors: [12, 6]
    interest: {kind: flat_monthly, rate_percent: 1.25}
    pattern: {kind: monthly}
"""


def test_shipped_products_are_valid() -> None:
    assert check_products(DEFAULT_PATH) == []
    codes = {p.code for p in load_products()}
    assert {"dairy_cow", "seaweed_harvest", "seaweed_spread", "patchouli"} <= codes


def test_good_product_is_read() -> None:
    products, problems = read_products(GOOD)
    assert problems == []
    (dairy,) = products
    assert dairy.tenors == (6, 12)
    assert dairy.interest_kind is InterestKind.FLAT_MONTHLY
    assert dairy.pattern.kind is PatternKind.MONTHLY and dairy.pattern.principal is PrincipalRule.SPREAD
    assert dairy.name("en") == "Dairy cow" and dairy.fee_admin == 0


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("max: 20000000", "max: 100", "menus/products.yaml:4: products.dairy_cow.amount.max (100) is below min"),
        ("tenors: [12, 6]", "tenors: [12, 0]", "menus/products.yaml:5: products.dairy_cow.tenors must be whole months"),
        ("flat_monthly", "flat", "menus/products.yaml:6: products.dairy_cow.interest.kind must be one of"),
        ("rate_percent: 1.25", "rate_percent: lots", "menus/products.yaml:6: products.dairy_cow.interest.rate_percent"),
        (
            "{kind: monthly}",
            "{kind: harvest}",
            "menus/products.yaml:7: products.dairy_cow.pattern of kind harvest needs",
        ),
        (
            "{kind: monthly}",
            "{kind: harvest, every_days: 400}",
            "menus/products.yaml:7: products.dairy_cow.pattern.every_days must be a whole number between 7 and 366",
        ),
        (
            "{kind: monthly}",
            "{kind: harvest, every_days: 365}",
            "menus/products.yaml:5: products.dairy_cow.pattern: a 6-month tenor is shorter",
        ),
        (
            'en: "Dairy cow"',
            'en: "Dairy cow – milk"',
            "menus/products.yaml:3: products.dairy_cow.name.en has characters",
        ),
        ('en: "Dairy cow"', 'fr: "Vache"', "menus/products.yaml:3: products.dairy_cow.name.en is missing"),
        ("dairy_cow:", "Dairy-Cow:", "menus/products.yaml:2: product code 'Dairy-Cow' must be snake_case"),
        ("    pattern: {kind: monthly}\n", "", "menus/products.yaml:3: products.dairy_cow is missing 'pattern'"),
        (
            "    pattern:",
            "    colour: red\n    pattern:",
            "menus/products.yaml:7: products.dairy_cow has unknown key 'colour'",
        ),
        ("products:", "products: [", "menus/products.yaml:"),
    ],
)
def test_problems_name_file_and_line(old: str, new: str, expected: str) -> None:
    assert old in GOOD
    _products, problems = read_products(GOOD.replace(old, new), "menus/products.yaml")
    assert problems, "expected a problem"
    assert any(str(p).startswith(expected) for p in problems), problems


def test_empty_file_is_a_problem() -> None:
    (problem,) = read_products("", "x.yaml")[1]
    assert str(problem) == "x.yaml:1: expected 'products:' with at least one product under it"


def test_load_raises_with_every_problem(tmp_path: Path) -> None:
    path = tmp_path / "products.yaml"
    path.write_text(GOOD.replace("max: 20000000", "max: 1").replace("flat_monthly", "x"), encoding="utf-8")
    with pytest.raises(ProductsError) as caught:
        load_products(path)
    assert len(caught.value.problems) == 2
    assert str(check_products(tmp_path / "missing.yaml")[0]).endswith(
        "cannot read the products file (No such file or directory)"
    )


FULL = """\
stamp_duty: {amount: 10000, above: 5000000}
products:
  patchouli:
    name: {id: "Nilam", en: "Patchouli"}
    value_chains: [patchouli]
    branches: [Aceh Jaya]
    amount: {min: 2000000, max: 25000000}
    tenors: [12, 24]
    interest: {kind: declining_annual, rate_percent: 16}
    fees: {provisi_percent: 0.5, administrasi: 50000}
    pattern: {kind: harvest, every_days: 120}
    grace_days: 180
    late_fee: {percent_per_day: 0.05, grace_days: 14, cap_percent: 5}
    repayment: {min_partial: 100000, early_payoff: all_interest}
"""


def test_full_product_terms_are_read() -> None:
    products, problems = read_products(FULL)
    assert problems == []
    (nilam,) = products
    assert nilam.value_chains == ("patchouli",) and nilam.branches == ("Aceh Jaya",)
    assert nilam.interest_kind is InterestKind.DECLINING_ANNUAL
    assert (nilam.fee_admin, nilam.fee_provisi_percent) == (50_000, Decimal("0.5"))
    assert nilam.stamp_duty_rule == StampDuty(10_000, 5_000_000)
    assert nilam.late_fee == LateFeeRule(Decimal("0.05"), 14, Decimal(5))
    assert (nilam.grace_days, nilam.min_partial_payment, nilam.early_payoff) == (180, 100_000, EarlyPayoff.ALL_INTEREST)
    assert nilam.serves("patchouli", "Aceh Jaya, Aceh") and nilam.serves("patchouli", "aceh jaya")
    assert not nilam.serves("patchouli", "Sumba Timur, NTT") and not nilam.serves("dairy", "Aceh Jaya, Aceh")


def test_defaults_serve_everyone_and_charge_nothing_extra() -> None:
    (dairy,) = read_products(GOOD)[0]
    assert dairy.serves("seaweed", "") and dairy.late_fee is None and dairy.grace_days == 0
    assert dairy.fee_total(10_000_000) == 0 and dairy.early_payoff is EarlyPayoff.INTEREST_TO_DATE


def test_effective_annual_is_read_as_declining_with_a_warning() -> None:
    products, problems = read_products(GOOD.replace("flat_monthly", "effective_annual"), "menus/products.yaml")
    assert products[0].interest_kind is InterestKind.DECLINING_ANNUAL
    assert [str(p) for p in problems] == [
        "menus/products.yaml:6: products.dairy_cow.interest.kind 'effective_annual' is a declining-balance rate; "
        "rename it declining_annual"
    ]
    assert problems[0].severity is Severity.WARNING


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "value_chains: [patchouli]",
            "value_chain: patchouli",
            "x.yaml:5: products.patchouli.value_chain is now a list",
        ),
        ("branches: [Aceh Jaya]", "branches: Aceh Jaya", "x.yaml:6: products.patchouli.branches must be a list"),
        ("administrasi: 50000", "administrasi: -1", "x.yaml:10: products.patchouli.fees.administrasi must be a whole"),
        ("provisi_percent: 0.5", "flat: 5", "x.yaml:10: products.patchouli.fees has unknown key 'flat'"),
        ("grace_days: 180", "grace_days: 400", "x.yaml:12: products.patchouli.grace_days must be a whole number"),
        ("percent_per_day: 0.05", "percent_per_day: 5", "x.yaml:13: products.patchouli.late_fee.percent_per_day"),
        ("cap_percent: 5}", "}", "x.yaml:13: products.patchouli.late_fee is missing 'cap_percent'"),
        ("all_interest", "never", "x.yaml:14: products.patchouli.repayment.early_payoff must be one of"),
        ("min_partial: 100000", "min_partial: 3000000", "x.yaml:14: products.patchouli.repayment.min_partial"),
        ("above: 5000000", "above: lots", "x.yaml:1: stamp_duty.above must be a whole number"),
        ("stamp_duty:", "stamp_dutty:", "x.yaml:1: unknown top-level key 'stamp_dutty'"),
    ],
)
def test_new_fields_problems_name_file_and_line(old: str, new: str, expected: str) -> None:
    assert old in FULL
    _products, problems = read_products(FULL.replace(old, new), "x.yaml")
    assert any(str(p).startswith(expected) and p.is_error for p in problems), problems
