"""`jembatan menus check` for the scorecard and the decision policy: each file parses, every reason code has
a text in every language (missing in the default language: error; in another: warning), and every
product the policy names is on offer (warning otherwise)."""

from __future__ import annotations

import re
from pathlib import Path

from gateway.banking.products import read_products
from gateway.engine.problems import Problem, Severity
from gateway.i18n import Catalog
from gateway.scoring.policy import POLICY_FILE, POLICY_REASON_KEY, POLICY_REASONS, read_policy
from gateway.scoring.scorecard import REASON_KEY, SCORECARD_FILE, read_scorecard
from gateway.yamlsource import display_path


def _line_of(text: str, code: str) -> int:
    """Where the scorecard first names a reason code (line 1 for the policy's own codes)."""
    found = re.search(rf"reason:\s*{re.escape(code)}\b", text)
    return text.count("\n", 0, found.start()) + 1 if found else 1


def _text_problems(catalog: Catalog, source: str, keys: list[str], text: str) -> list[Problem]:
    problems: list[Problem] = []
    for key in sorted(set(keys)):
        for lang in catalog.languages:
            if catalog.has(lang, key):
                continue
            default = lang == catalog.default_lang
            problems.append(
                Problem(
                    source,
                    _line_of(text, key.rsplit(".", 1)[-1]),
                    f"reason text '{key}' is missing in {lang} — add it to locales/{lang}.scoring.yaml",
                    Severity.ERROR if default else Severity.WARNING,
                )
            )
    return problems


def _read(path: Path) -> tuple[str, str | None]:
    try:
        return display_path(path), path.read_text(encoding="utf-8")
    except OSError:
        return display_path(path), None


def check_scoring(menus_dir: Path, catalog: object) -> list[Problem]:
    problems: list[Problem] = []
    keys: list[str] = [POLICY_REASON_KEY.format(code=code) for code in POLICY_REASONS]
    source, text = _read(menus_dir / SCORECARD_FILE)
    if text is None:
        problems.append(Problem(source, 1, f"cannot read the scorecard — add {SCORECARD_FILE} to {menus_dir}"))
    else:
        card, found = read_scorecard(text, source)
        problems += [Problem.parse(line) for line in found]
        if card is not None:
            keys += [REASON_KEY.format(code=code) for code in card.reason_codes]
    policy_source, policy_text = _read(menus_dir / POLICY_FILE)
    if policy_text is None:
        problems.append(
            Problem(policy_source, 1, f"cannot read the decision policy — add {POLICY_FILE} to {menus_dir}")
        )
    else:
        policy, found = read_policy(policy_text, policy_source)
        problems += [Problem.parse(line) for line in found]
        if policy is not None:
            problems += _product_problems(menus_dir, policy_source, set(policy.limits))
    if isinstance(catalog, Catalog):
        problems += _text_problems(catalog, source, keys, text or "")
    return problems


def _product_problems(menus_dir: Path, source: str, named: set[str]) -> list[Problem]:
    path = menus_dir / "products.yaml"
    try:
        products, _ = read_products(path.read_text(encoding="utf-8"), display_path(path))
    except OSError:
        return []
    offered = {product.code for product in products}
    return [
        Problem(
            source,
            1,
            f"limits name product '{code}', which products.yaml does not offer — remove it or add the product",
            Severity.WARNING,
        )
        for code in sorted(named - offered)
    ]
