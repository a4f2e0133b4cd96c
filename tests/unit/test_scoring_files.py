"""The scorecard and decision policy as operators edit them: each problem named by file and line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gateway.engine.problems import Severity
from gateway.i18n import load_catalog
from gateway.scoring.checks import check_scoring
from gateway.scoring.policy import Decision, decide, read_policy
from gateway.scoring.scorecard import ScoreResult, read_scorecard

ROOT = Path(__file__).resolve().parents[2]
CARD = (ROOT / "menus" / "scorecard.yaml").read_text(encoding="utf-8")
POLICY = (ROOT / "menus" / "decision_policy.yaml").read_text(encoding="utf-8")


def _line_of(text: str, fragment: str) -> int:
    return next(number for number, line in enumerate(text.splitlines(), start=1) if fragment in line)


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("{below: 6, points: 25", "{below: 6, points: lots", "features.deposit_months.bands[2].points is 'lots'"),
        ("{below: 6, points: 25", "{below: 2, points: 25", "features.deposit_months bands' 'below' do not rise"),
        ("window: {days: 90}", "window: {months: 3}", "features.sms_use.window must be {days: N}"),
        (
            "window: {months: 12}\n      bands:\n        - {below: 0.35",
            "window: {months: 99}\n      bands:\n        - {below: 0.35",
            "features.delivery_regularity.window is 99 months",
        ),
        ("    sms_use:", "    sms_used:", "features.sms_used names no known feature 'sms_used'"),
        (
            "        - {points: 70}\n    average",
            "        - {below: 12, points: 70}\n    average",
            "features.deposit_months.bands[4] has a 'below'",
        ),
        ("reason: income_low}", "reason: Income low}", "reason 'Income low' is not a code"),
        ("  base_points: 400", "  base_points: many", "scorecard.base_points is 'many'"),
        ("  reasons_shown: 3", "  reasons_shown: 3\n  colour: blue", "scorecard has unknown key 'colour'"),
    ],
)
def test_a_broken_scorecard_names_the_line(old: str, new: str, problem: str) -> None:
    assert old in CARD
    text = CARD.replace(old, new, 1)
    card, problems = read_scorecard(text, "menus/scorecard.yaml")
    assert card is None
    found = [p for p in problems if problem in p]
    assert found, problems
    line = int(found[0].split(":")[1])
    assert 1 <= line <= len(text.splitlines())


def test_a_points_problem_points_at_its_band() -> None:
    text = CARD.replace("{below: 6, points: 25", "{below: 6, points: lots", 1)
    _, problems = read_scorecard(text, "menus/scorecard.yaml")
    assert problems[0].startswith(f"menus/scorecard.yaml:{_line_of(text, 'points: lots')}: ")


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            "{name: B, min_score: 580}",
            "{name: B, min_score: 700}",
            "band B starts at 700, not below the band before it",
        ),
        ("dairy_cow: {A: 15000000", "dairy_cow: {E: 15000000", "limits.dairy_cow names no band 'E'"),
        ("default_limits: {A: 5000000", "default_limits: {A: -5", "default_limits.A is -5"),
        ("\npolicy:", "\nrules:", "no 'policy:' mapping at the top"),
    ],
)
def test_a_broken_policy_names_the_problem(old: str, new: str, problem: str) -> None:
    policy, problems = read_policy(POLICY.replace(old, new, 1), "menus/decision_policy.yaml")
    assert policy is None
    assert any(problem in p for p in problems), problems


def _result(total: int, reasons: tuple[str, ...] = ("savings_low",)) -> ScoreResult:
    return ScoreResult(total, {}, {}, reasons, "sc-test")


def test_decide_approves_within_the_band_limit_and_refers_above_it() -> None:
    policy, _ = read_policy(POLICY)
    assert policy is not None
    within = decide(policy, _result(600), "dairy_cow", 8_000_000, has_records=True)
    assert (within.outcome, within.limit, within.band, within.reasons) == (Decision.APPROVE, 8_000_000, "B", ())
    above = decide(policy, _result(600), "dairy_cow", 8_000_001, has_records=True)
    assert (above.outcome, above.reasons) == (Decision.REFER, ("above_auto_limit", "savings_low"))
    unlisted = decide(policy, _result(700), "goat", 5_000_000, has_records=True)
    assert (unlisted.outcome, unlisted.limit) == (Decision.APPROVE, 5_000_000)
    low = decide(policy, _result(100), "dairy_cow", 500_000, has_records=True)
    assert (low.outcome, low.band, low.limit) == (Decision.REFER, "D", 0)


def test_no_records_is_a_referral_never_a_decline_whatever_the_score() -> None:
    policy, _ = read_policy(POLICY)
    assert policy is not None
    for total in (0, 500, 900):
        outcome = decide(policy, _result(total, ("no_records",)), "dairy_cow", 1_000, has_records=False)
        assert (outcome.outcome, outcome.reasons[0]) == (Decision.REFER, "no_records")
        assert outcome.reasons.count("no_records") == 1


def _menus(tmp_path: Path) -> tuple[Path, Path]:
    menus, locales = tmp_path / "menus", tmp_path / "locales"
    menus.mkdir()
    for name in ("scorecard.yaml", "decision_policy.yaml", "products.yaml"):
        shutil.copy(ROOT / "menus" / name, menus / name)
    shutil.copytree(ROOT / "locales", locales)
    return menus, locales


def test_menus_check_passes_the_shipped_files_and_wants_every_reason_text(tmp_path: Path) -> None:
    menus, locales = _menus(tmp_path)
    assert check_scoring(menus, load_catalog(locales)[0]) == []
    english = locales / "en.scoring.yaml"
    english.write_text(english.read_text(encoding="utf-8").replace("    income_low:", "    income_lo:"), "utf-8")
    (menus / "scorecard.yaml").write_text(CARD.replace("reason: income_low", "reason: income_thin"), "utf-8")
    problems = check_scoring(menus, load_catalog(locales)[0])
    text = (menus / "scorecard.yaml").read_text(encoding="utf-8")
    assert {p.line for p in problems} == {_line_of(text, "reason: income_thin")}
    assert {(p.severity, p.message.split(" — ")[0]) for p in problems} == {
        (Severity.ERROR, "reason text 'scoring.reason.income_thin' is missing in id"),
        (Severity.WARNING, "reason text 'scoring.reason.income_thin' is missing in en"),
    }


def test_menus_check_warns_of_a_policy_product_not_on_offer(tmp_path: Path) -> None:
    menus, locales = _menus(tmp_path)
    (menus / "decision_policy.yaml").write_text(
        POLICY.replace("  default_limits:", "  goats: {A: 1}\n  default_limits:").replace(
            "  limits:\n", "  limits:\n    goats: {A: 1}\n"
        ),
        "utf-8",
    )
    problems = check_scoring(menus, load_catalog(locales)[0])
    assert any(p.severity is Severity.ERROR and "unknown key 'goats'" in p.message for p in problems)
    (menus / "decision_policy.yaml").write_text(
        POLICY.replace("  limits:\n", "  limits:\n    goats: {A: 1}\n"), "utf-8"
    )
    problems = check_scoring(menus, load_catalog(locales)[0])
    assert [(p.severity, "goats" in p.message) for p in problems] == [(Severity.WARNING, True)]
