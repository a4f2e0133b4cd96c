"""Loan products from `menus/products.yaml`, checked completely; each problem names `file:line`."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from gateway.banking.interface import (
    EarlyPayoff,
    InterestKind,
    LateFeeRule,
    LoanProduct,
    PatternKind,
    PrincipalRule,
    RepaymentPattern,
    StampDuty,
)
from gateway.banking.product_checker import Checker as _Checker
from gateway.engine.problems import Problem, errors
from gateway.gsm7 import non_gsm7_characters
from gateway.yamlsource import LineMap, OperatorFileError, YamlError, display_path, read_yaml

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "menus" / "products.yaml"
LANGUAGES = ("id", "en")
MAX_NAME_CHARS = 20
MAX_TENOR_MONTHS = 60
MIN_CYCLE_DAYS, MAX_CYCLE_DAYS = 7, 366
MAX_GRACE_DAYS = 366
MAX_LATE_GRACE_DAYS = 90
MAX_LATE_PERCENT_PER_DAY = 1
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_PRODUCT_KEYS = (
    "name",
    "value_chains",
    "branches",
    "amount",
    "tenors",
    "interest",
    "fees",
    "pattern",
    "late_fee",
    "grace_days",
    "repayment",
)
_OLD_KINDS = {"effective_annual": InterestKind.DECLINING_ANNUAL}
_REQUIRED = ("name", "amount", "tenors", "interest", "pattern")


class ProductsError(OperatorFileError):
    pass


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


def _interest(check: _Checker, product: LineMap, where: str) -> tuple[InterestKind, Decimal]:
    interest = check.mapping(product, "interest", ("kind", "rate_percent"), where)
    if interest is None:
        return InterestKind.FLAT_MONTHLY, Decimal(0)
    where = f"{where}.interest"
    rate = check.percent(interest, "rate_percent", where)
    if (old := interest.get("kind")) in _OLD_KINDS:
        kind = _OLD_KINDS[old]
        check.warn(
            interest.line_of("kind"), f"{where}.kind '{old}' is a declining-balance rate; rename it {kind.value}"
        )
        return kind, rate
    return check.choice(interest, "kind", where, InterestKind, [k.value for k in InterestKind]), rate


def _fees(check: _Checker, product: LineMap, where: str) -> tuple[int, Decimal]:
    if "fees" not in product or not (
        fees := check.mapping(product, "fees", ("provisi_percent", "administrasi"), where)
    ):
        return 0, Decimal(0)
    admin = check.integer(fees, "administrasi", f"{where}.fees", 0, default=0)
    return admin, check.percent(fees, "provisi_percent", f"{where}.fees", 0, high=10)


def _late_fee(check: _Checker, product: LineMap, where: str) -> LateFeeRule | None:
    keys = ("percent_per_day", "grace_days", "cap_percent")
    if "late_fee" not in product or not (node := check.mapping(product, "late_fee", keys, where)):
        return None
    where = f"{where}.late_fee"
    for missing in [key for key in keys if key not in node]:
        check.add(
            node.line, f"{where} is missing '{missing}' (e.g. {{percent_per_day: 0.1, grace_days: 3, cap_percent: 10}})"
        )
    per_day = check.percent(node, "percent_per_day", where, 0, high=MAX_LATE_PERCENT_PER_DAY)
    grace = check.integer(node, "grace_days", where, 0, MAX_LATE_GRACE_DAYS, default=0)
    return LateFeeRule(per_day, grace, check.percent(node, "cap_percent", where, 0))


def _repayment(check: _Checker, product: LineMap, where: str, low: int) -> tuple[int, EarlyPayoff]:
    if "repayment" not in product:
        return 0, EarlyPayoff.INTEREST_TO_DATE
    node = check.mapping(product, "repayment", ("min_partial", "early_payoff"), where)
    if node is None:
        return 0, EarlyPayoff.INTEREST_TO_DATE
    where = f"{where}.repayment"
    minimum = check.integer(node, "min_partial", where, 0, low, default=0)
    options = [e.value for e in EarlyPayoff]
    return minimum, check.choice(node, "early_payoff", where, EarlyPayoff, options, EarlyPayoff.INTEREST_TO_DATE.value)


def _product(check: _Checker, code: str, product: Any, line: int, stamp: StampDuty) -> LoanProduct | None:
    where = f"products.{code}"
    if not isinstance(product, LineMap):
        check.add(line, f"{where} must be a mapping with {', '.join(_REQUIRED)}")
        return None
    if not _CODE.match(code):
        check.add(line, f"product code '{code}' must be snake_case (a-z, 0-9, _), e.g. dairy_cow")
    if "value_chain" in product:
        check.add(
            product.line_of("value_chain"),
            f"{where}.value_chain is now a list: value_chains: [{product['value_chain']}]",
        )
    for extra in product.keys() - set(_PRODUCT_KEYS) - {"value_chain"}:
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
    kind, rate = _interest(check, product, where)
    fee_admin, fee_provisi = _fees(check, product, where)
    pattern = _pattern(check, product, where, tenors)
    min_partial, early_payoff = _repayment(check, product, where, low)
    return LoanProduct(
        code,
        names,
        low,
        high,
        tenors,
        kind,
        rate,
        pattern,
        fee_admin=fee_admin,
        fee_provisi_percent=fee_provisi,
        value_chains=check.words(product, "value_chains", where, "dairy"),
        branches=check.words(product, "branches", where, "Sumba Timur"),
        stamp_duty_rule=stamp,
        late_fee=_late_fee(check, product, where),
        grace_days=check.integer(product, "grace_days", where, 0, MAX_GRACE_DAYS, default=0),
        min_partial_payment=min_partial,
        early_payoff=early_payoff,
    )


def _stamp_duty(check: _Checker, data: LineMap) -> StampDuty:
    if "stamp_duty" not in data or not (node := check.mapping(data, "stamp_duty", ("amount", "above"), "")):
        return StampDuty()
    return StampDuty(
        check.integer(node, "amount", "stamp_duty", 0, default=0),
        check.integer(node, "above", "stamp_duty", 0, default=0),
    )


def read_products(text: str, source_name: str = "menus/products.yaml") -> tuple[tuple[LoanProduct, ...], list[Problem]]:
    """The products in `text` and the problems found (usable when none of them is an error)."""
    check = _Checker(source_name)
    try:
        data = read_yaml(text, source_name)
    except YamlError as exc:
        return (), [Problem(source_name, exc.line, exc.message)]
    if not isinstance(data, LineMap) or not isinstance(data.get("products"), LineMap) or not data["products"]:
        line = data.line_of("products") if isinstance(data, LineMap) else 1
        return (), [Problem(source_name, line, "expected 'products:' with at least one product under it")]
    for extra in data.keys() - {"products", "stamp_duty"}:
        check.add(data.line_of(extra), f"unknown top-level key '{extra}'; only 'products' and 'stamp_duty' are read")
    stamp = _stamp_duty(check, data)
    table: LineMap = data["products"]
    found = [_product(check, str(code), body, table.line_of(code), stamp) for code, body in table.items()]
    return tuple(p for p in found if p is not None), check.problems


def check_products(path: Path | str = DEFAULT_PATH) -> list[Problem]:
    """Errors are loan products the bank cannot offer as written; warnings are old spellings still read."""
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
    if found := errors(problems):
        raise ProductsError([str(problem) for problem in found])
    return products
