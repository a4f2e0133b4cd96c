"""`check_reminders`: the policy and its texts, as `jembatan menus check` reports them."""

from __future__ import annotations

from pathlib import Path

from gateway.engine.problems import Problem, Severity
from gateway.gsm7 import SINGLE_SEGMENT_SEPTETS, non_gsm7_characters, segments, septets
from gateway.i18n import Catalog
from gateway.reminders.compose import (
    ONE_PLACEHOLDERS,
    ONE_REQUIRED,
    TWO_PLACEHOLDERS,
    TWO_REQUIRED,
    worst_case_values,
)
from gateway.reminders.policy import POLICY_FILE, Policy, Rule, read_policy
from gateway.yamlsource import display_path


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
    problems = [Problem.parse(line) for line in found + _product_problems(menus_dir, policy)]
    checked: set[tuple[str, str]] = set()
    for rule in policy.rules:
        for key, two in ((rule.text, False), (rule.text_two, True)):
            for lang in catalog.languages:
                if (lang, key) not in checked:
                    checked.add((lang, key))
                    problems.extend(_text_problems(catalog, policy, rule, lang, key, two))
    return problems


def _text_problems(catalog: Catalog, policy: Policy, rule: Rule, lang: str, key: str, two: bool) -> list[Problem]:
    if not catalog.has(lang, key):
        where = catalog.sources.get(lang, f"locales/{lang}.yaml")
        falls_back = lang != catalog.default_lang and catalog.has(catalog.default_lang, key)
        message = f"text '{key}' of rule {rule.name} is missing in {where} — add it to locales/{lang}.reminders.yaml"
        return [Problem(policy.source, rule.line, message, Severity.WARNING if falls_back else Severity.ERROR)]
    return [Problem.parse(line) for line in _template_problems(catalog, lang, key, two)]


def _template_problems(catalog: Catalog, lang: str, key: str, two: bool) -> list[str]:
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
            "a reminder names the amount and the due date"
        )
    literal = "".join(part for part, _name in template.parts)
    bad = non_gsm7_characters(literal)
    if bad:
        problems.append(
            f"{template.where}: '{key}' has characters outside GSM-7 ({' '.join(map(repr, bad))}) — "
            "use straight quotes, a plain hyphen and no emoji"
        )
        return problems
    longest = max((template.render(values, lang) for values in worst_case_values(two)), key=septets)
    if segments(longest) > 1:
        problems.append(
            f"{template.where}: '{key}' can reach {septets(longest)} characters with the longest "
            f"name, amounts and date — shorten it to fit one SMS ({SINGLE_SEGMENT_SEPTETS})"
        )
    return problems


def _product_problems(menus_dir: Path, policy: Policy) -> list[str]:
    from gateway.banking.products import read_products

    path = menus_dir / "products.yaml"
    if not path.exists():
        return []
    products, _ = read_products(path.read_text(encoding="utf-8"), display_path(path))
    known = {product.code for product in products}
    return [
        f"{policy.source}:{rule.line}: rule {rule.name} names unknown product '{code}' — "
        f"use one of {', '.join(sorted(known))} or 'all'"
        for rule in policy.rules
        for code in sorted(rule.products or ())
        if code not in known
    ]
