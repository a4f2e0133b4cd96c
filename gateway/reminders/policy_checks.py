"""`check_reminders`: the policy and its texts, as `jembatan menus check` reports them."""

from __future__ import annotations

from pathlib import Path

from gateway.engine.problems import Problem, Severity
from gateway.gsm7 import SINGLE_SEGMENT_SEPTETS, non_gsm7_characters, segments, septets
from gateway.i18n import Catalog, Template
from gateway.reminders.compose import (
    FEE_PLACEHOLDERS,
    ONE_PLACEHOLDERS,
    ONE_REQUIRED,
    TWO_PLACEHOLDERS,
    TWO_REQUIRED,
    WITH_LATE_FEE,
    WORST_AMOUNT,
    worst_case_values,
)
from gateway.reminders.policy import POLICY_FILE, Policy, Rule, read_policy
from gateway.yamlsource import display_path

MAX_SEGMENTS_WITH_FEE = 2
"""With a late fee the amount reads "Rp292.083 + denda Rp2.044": one SMS where it fits, never more than two."""


def check_reminders(menus_dir: Path, catalog: object) -> list[Problem]:
    """Empty when the policy and every text are fit to send.

    A text missing in a language other than the default is a warning (the reminder goes out in the
    default language); every other problem is an error.
    """
    path = menus_dir / POLICY_FILE
    source = display_path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        message = f"cannot read the reminder policy ({exc.strerror}) — add {POLICY_FILE} to {menus_dir}"
        return [Problem(source, 1, message)]
    policy, found = read_policy(text, source)
    if policy is None:
        return [Problem.parse(line) for line in found]
    if not isinstance(catalog, Catalog):
        return [Problem(source, 1, "no text catalogue to check the reminder texts against — load the locales first")]
    product_problems, worst_amount = _product_problems(menus_dir, policy)
    problems = [Problem.parse(line) for line in found + product_problems]
    problems.extend(_fee_problems(catalog, policy))
    problems.extend(_contract_warnings(policy))
    checked: set[tuple[str, str]] = set()
    for rule in policy.rules:
        for key, two in ((rule.text, False), (rule.text_two, True)):
            for lang in catalog.languages:
                if (lang, key) not in checked:
                    checked.add((lang, key))
                    problems.extend(_text_problems(catalog, policy, rule, lang, key, two, worst_amount))
    return problems


def _contract_warnings(policy: Policy) -> list[Problem]:
    """The BERHENTI confirmation (sms.opt_out) promises due-day and overdue notices still come."""
    return [
        Problem(
            policy.source,
            rule.line,
            f"rule {rule.name} asks for payment but is not required_by_contract: borrowers who sent BERHENTI "
            "will not get it, though the BERHENTI reply says they will — add required_by_contract: true, "
            "or change sms.opt_out",
            Severity.WARNING,
        )
        for rule in policy.rules
        if rule.asks_payment and not rule.required_by_contract
    ]


def _fee_problems(catalog: Catalog, policy: Policy) -> list[Problem]:
    """`reminders.with_late_fee` ("{amount} + denda {late_fee}") in every language, GSM-7."""
    problems = []
    for lang in catalog.languages:
        if not catalog.has(lang, WITH_LATE_FEE):
            message = f"text '{WITH_LATE_FEE}' is missing — add it to locales/{lang}.reminders.yaml"
            problems.append(Problem(policy.source, 1, message))
            continue
        template = catalog.template(lang, WITH_LATE_FEE)
        literal = "".join(part for part, _name in template.parts)
        if template.placeholders != FEE_PLACEHOLDERS or non_gsm7_characters(literal):
            problems.append(
                Problem.parse(
                    f"{template.where}: '{WITH_LATE_FEE}' must use exactly {{amount}} and {{late_fee}}, "
                    'in GSM-7 characters — e.g. "{amount} + denda {late_fee}"'
                )
            )
    return problems


def _text_problems(
    catalog: Catalog, policy: Policy, rule: Rule, lang: str, key: str, two: bool, worst_amount: int
) -> list[Problem]:
    if not catalog.has(lang, key):
        where = catalog.sources.get(lang, f"locales/{lang}.yaml")
        falls_back = lang != catalog.default_lang and catalog.has(catalog.default_lang, key)
        message = f"text '{key}' of rule {rule.name} is missing in {where} — add it to locales/{lang}.reminders.yaml"
        return [Problem(policy.source, rule.line, message, Severity.WARNING if falls_back else Severity.ERROR)]
    return [Problem.parse(line) for line in _template_problems(catalog, policy, lang, key, two, worst_amount)]


def _template_problems(
    catalog: Catalog, policy: Policy, lang: str, key: str, two: bool, worst_amount: int
) -> list[str]:
    template = catalog.template(lang, key)
    problems: list[str] = []
    allowed, required = (TWO_PLACEHOLDERS, TWO_REQUIRED) if two else (ONE_PLACEHOLDERS, ONE_REQUIRED)
    unknown = template.placeholders - allowed
    if unknown:
        problems.append(
            f"{template.where}: '{key}' uses {{{', '.join(sorted(unknown))}}} — "
            f"use only {{{'}, {'.join(sorted(allowed))}}}"
        )
        return problems
    missing = required - template.placeholders
    if missing:
        problems.append(
            f"{template.where}: '{key}' does not say {{{'}, {'.join(sorted(missing))}}} — "
            "a reminder names the amount, the due date, the bank's legal name and its phone"
        )
    literal = "".join(part for part, _name in template.parts)
    bad = non_gsm7_characters(literal)
    if bad:
        problems.append(
            f"{template.where}: '{key}' has characters outside GSM-7 ({' '.join(map(repr, bad))}) — "
            "use straight quotes, a plain hyphen and no emoji"
        )
        return problems
    if not catalog.has(lang, WITH_LATE_FEE):
        return problems  # reported once by _fee_problems
    longest = _longest(catalog, policy, template, lang, two, worst_amount, 0)
    if segments(longest) > 1:
        problems.append(
            f"{template.where}: '{key}' can reach {septets(longest)} characters with the longest "
            f"name, amounts and date and the bank's name and phone — shorten it to fit one SMS "
            f"({SINGLE_SEGMENT_SEPTETS})"
        )
    with_fee = _longest(catalog, policy, template, lang, two, worst_amount, worst_amount // 10)
    if segments(with_fee) > MAX_SEGMENTS_WITH_FEE:
        problems.append(
            f"{template.where}: '{key}' can reach {septets(with_fee)} characters once a late fee is due "
            f"— shorten it to fit {MAX_SEGMENTS_WITH_FEE} SMS"
        )
    return problems


def _longest(
    catalog: Catalog, policy: Policy, template: Template, lang: str, two: bool, worst_amount: int, fee: int
) -> str:
    values = worst_case_values(catalog, lang, two, policy.bank, worst_amount, fee)
    return max((template.render(each, lang) for each in values), key=septets)


def _product_problems(menus_dir: Path, policy: Policy) -> tuple[list[str], int]:
    """Rules naming unknown products, and the worst instalment to fit: WORST_AMOUNT, or twice the largest
    product ceiling (principal plus interest and fees) written as nines, when that is longer."""
    from gateway.banking.products import read_products

    path = menus_dir / "products.yaml"
    if not path.exists():
        return [], WORST_AMOUNT
    products, _ = read_products(path.read_text(encoding="utf-8"), display_path(path))
    known = {product.code for product in products}
    ceiling = 2 * max((product.max_amount for product in products), default=0)
    worst = max(WORST_AMOUNT, 10 ** len(str(ceiling)) - 1)
    return [
        f"{policy.source}:{rule.line}: rule {rule.name} names unknown product '{code}' — "
        f"use one of {', '.join(sorted(known))} or 'all'"
        for rule in policy.rules
        for code in sorted(rule.products or ())
        if code not in known
    ], worst
