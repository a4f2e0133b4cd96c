"""Loan products from `menus/products.yaml`, checked completely; each problem names `file:line`."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from gateway.banking.interface import InterestKind, LoanProduct, PatternKind, PrincipalRule, RepaymentPattern
from gateway.engine.problems import Problem
from gateway.gsm7 import non_gsm7_characters
from gateway.yamlsource import LineMap, OperatorFileError, YamlError, display_path, read_yaml

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "menus" / "products.yaml"
LANGUAGES = ("id", "en")
MAX_NAME_CHARS = 20
MAX_TENOR_MONTHS = 60
MIN_CYCLE_DAYS, MAX_CYCLE_DAYS = 7, 366
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_PRODUCT_KEYS = ("name", "value_chain", "amount", "tenors", "interest", "fees", "pattern")
_REQUIRED = ("name", "amount", "tenors", "interest", "pattern")


class ProductsError(OperatorFileError):
    pass


class _Checker:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[Problem] = []

    def add(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.source, line, message))

    def mapping(self, parent: LineMap, key: str, allowed: tuple[str, ...], where: str) -> LineMap | None:
        node = parent.get(key)
        if not isinstance(node, LineMap):
            self.add(parent.line_of(key), f"{where}.{key} must be a mapping like {{{', '.join(allowed)}: ...}}")
            return None
        for extra in node.keys() - set(allowed):
            self.add(node.line_of(extra), f"{where}.{key} has unknown key '{extra}'; use one of {', '.join(allowed)}")
        return node

    def integer(
        self, node: LineMap, key: str, where: str, low: int, high: int | None = None, default: int | None = None
    ) -> int:
        value = node.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < low or (high and value > high):
            bound = f"between {low} and {high}" if high else f"at least {low}"
            self.add(node.line_of(key), f"{where}.{key} must be a whole number {bound}, not {value!r}")
            return low
        return value

    def percent(self, node: LineMap, key: str, where: str, default: float | None = None) -> Decimal:
        value = node.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
            self.add(node.line_of(key), f"{where}.{key} must be a percentage from 0 to 100 (e.g. 1.5), not {value!r}")
            return Decimal(0)
        return Decimal(str(value))

    def choice(
        self,
        node: LineMap,
        key: str,
        where: str,
        enum: Callable[[str], Any],
        options: list[str],
        default: str | None = None,
    ) -> Any:
        value = node.get(key, default)
        if value not in options:
            self.add(node.line_of(key), f"{where}.{key} must be one of {', '.join(options)}, not {value!r}")
            return enum(options[0])
        return enum(value)


def _names(check: _Checker, product: LineMap, where: str) -> dict[str, str]:
    node = check.mapping(product, "name", LANGUAGES, where)
    names: dict[str, str] = {}
    for lang in LANGUAGES:
        text = node.get(lang) if node is not None else None
        line = node.line_of(lang) if node is not None else product.line_of("name")
        if not isinstance(text, str) or not text.strip():
            check.add(line, f"{where}.name.{lang} is missing; write the product's name in that language")
            continue
        if len(text) > MAX_NAME_CHARS:
            check.add(line, f"{where}.name.{lang} is {len(text)} characters; shorten it to {MAX_NAME_CHARS}")
        if bad := non_gsm7_characters(text):
            check.add(line, f"{where}.name.{lang} has characters a feature phone cannot show: {''.join(bad)!r}")
        names[lang] = text
    return names


def _tenors(check: _Checker, product: LineMap, where: str) -> tuple[int, ...]:
    value = product.get("tenors")
    line = product.line_of("tenors")
    if not isinstance(value, list) or not value:
        check.add(line, f"{where}.tenors must be a list of months, e.g. [6, 12]")
        return (1,)
    if any(isinstance(t, bool) or not isinstance(t, int) or not 1 <= t <= MAX_TENOR_MONTHS for t in value):
        check.add(line, f"{where}.tenors must be whole months from 1 to {MAX_TENOR_MONTHS}, not {value!r}")
        return (1,)
    if len(set(value)) != len(value):
        check.add(line, f"{where}.tenors lists a tenor twice; remove the repeat")
    return tuple(sorted(set(value)))


def _pattern(check: _Checker, product: LineMap, where: str, tenors: tuple[int, ...]) -> RepaymentPattern:
    node = check.mapping(product, "pattern", ("kind", "every_days", "principal"), where)
    if node is None:
        return RepaymentPattern(PatternKind.MONTHLY)
    where = f"{where}.pattern"
    kind = check.choice(node, "kind", where, PatternKind, [k.value for k in PatternKind])
    principal = check.choice(node, "principal", where, PrincipalRule, [p.value for p in PrincipalRule], "spread")
    if kind is PatternKind.MONTHLY:
        if "every_days" in node:
            check.add(node.line_of("every_days"), f"{where}.every_days is only for kind: harvest; remove it")
        return RepaymentPattern(kind, principal=principal)
    if "every_days" not in node:
        check.add(node.line, f"{where} of kind harvest needs every_days (days between harvests, e.g. 45)")
        return RepaymentPattern(kind, principal=principal)
    every = check.integer(node, "every_days", where, MIN_CYCLE_DAYS, MAX_CYCLE_DAYS)
    for tenor in tenors:
        if tenor * 30 < every:
            check.add(
                product.line_of("tenors"),
                f"{where}: a {tenor}-month tenor is shorter than one "
                f"{every}-day harvest cycle; remove it or lengthen it",
            )
    return RepaymentPattern(kind, every, principal)


def _product(check: _Checker, code: str, product: Any, line: int) -> LoanProduct | None:
    where = f"products.{code}"
    if not isinstance(product, LineMap):
        check.add(line, f"{where} must be a mapping with {', '.join(_REQUIRED)}")
        return None
    if not _CODE.match(code):
        check.add(line, f"product code '{code}' must be snake_case (a-z, 0-9, _), e.g. dairy_cow")
    for extra in product.keys() - set(_PRODUCT_KEYS):
        check.add(product.line_of(extra), f"{where} has unknown key '{extra}'; use one of {', '.join(_PRODUCT_KEYS)}")
    for missing in [key for key in _REQUIRED if key not in product]:
        check.add(product.line, f"{where} is missing '{missing}'")
    if any(key not in product for key in _REQUIRED):
        return None
    names = _names(check, product, where)
    low, high = 1, 1
    if amount := check.mapping(product, "amount", ("min", "max"), where):
        low = check.integer(amount, "min", f"{where}.amount", 1)
        high = check.integer(amount, "max", f"{where}.amount", 1)
        if high < low:
            check.add(amount.line, f"{where}.amount.max ({high}) is below min ({low}); swap them")
    tenors = _tenors(check, product, where)
    kind, rate = InterestKind.FLAT_MONTHLY, Decimal(0)
    if interest := check.mapping(product, "interest", ("kind", "rate_percent"), where):
        kind = check.choice(interest, "kind", f"{where}.interest", InterestKind, [k.value for k in InterestKind])
        rate = check.percent(interest, "rate_percent", f"{where}.interest")
    fee_flat, fee_percent = 0, Decimal(0)
    if "fees" in product and (fees := check.mapping(product, "fees", ("flat", "percent"), where)):
        fee_flat = check.integer(fees, "flat", f"{where}.fees", 0, default=0)
        fee_percent = check.percent(fees, "percent", f"{where}.fees", 0)
    pattern = _pattern(check, product, where, tenors)
    chain = product.get("value_chain", "")
    return LoanProduct(code, names, low, high, tenors, kind, rate, pattern, fee_flat, fee_percent, str(chain))


def read_products(text: str, source_name: str = "menus/products.yaml") -> tuple[tuple[LoanProduct, ...], list[Problem]]:
    """The products in `text` and the problems found, all errors (empty when every product is usable)."""
    check = _Checker(source_name)
    try:
        data = read_yaml(text, source_name)
    except YamlError as exc:
        return (), [Problem(source_name, exc.line, exc.message)]
    if not isinstance(data, LineMap) or not isinstance(data.get("products"), LineMap) or not data["products"]:
        line = data.line_of("products") if isinstance(data, LineMap) else 1
        return (), [Problem(source_name, line, "expected 'products:' with at least one product under it")]
    for extra in data.keys() - {"products"}:
        check.add(data.line_of(extra), f"unknown top-level key '{extra}'; only 'products' is read")
    table: LineMap = data["products"]
    found = [_product(check, str(code), body, table.line_of(code)) for code, body in table.items()]
    return tuple(p for p in found if p is not None), check.problems


def check_products(path: Path | str = DEFAULT_PATH) -> list[Problem]:
    """Every problem is an error: a loan product the bank cannot offer as written."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return [Problem(display_path(path), 1, f"cannot read the products file ({exc.strerror})")]
    return read_products(text, display_path(path))[1]


def load_products(path: Path | str = DEFAULT_PATH) -> tuple[LoanProduct, ...]:
    """Raises ProductsError listing every problem."""
    path = Path(path)
    products, problems = read_products(path.read_text(encoding="utf-8"), display_path(path))
    if problems:
        raise ProductsError([str(problem) for problem in problems])
    return products
