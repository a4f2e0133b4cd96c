from __future__ import annotations

from pathlib import Path

import pytest

from gateway.banking.interface import InterestKind, PatternKind, PrincipalRule
from gateway.banking.products import DEFAULT_PATH, ProductsError, check_products, load_products, read_products

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
