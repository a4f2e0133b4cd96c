"""`jembatan scoring fit`: propose a scorecard from past loans and their outcomes, for a person to review.

The training set is every closed loan (`history.past_loans`), with its features computed as they stood
when it was applied for, over the windows of a base scorecard (by default menus/scorecard.yaml), by the
same code that scores new applications. optbinning finds monotonic optimal bins per feature, their
weight of evidence, a logistic regression over them, and points (PDO/odds scaling). The proposal is
written as scorecard YAML, read back with `read_scorecard`, and its AUC and KS are measured on a
held-back part of the loans with `score()` itself, so the figures describe exactly the file written.

Records are used for every past loan (as with consent): the bank must be allowed to use them to build
its model. optbinning (and its solvers) is imported only here, when fitting, as it is slow to import.
"""

from __future__ import annotations

import math
import random
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine

from gateway.scoring.features import FeatureValue, compute_features
from gateway.scoring.history import PastLoan, load_histories, past_loans
from gateway.scoring.scorecard import Scorecard, ScoredFeature, read_scorecard, score

HOLD_OUT_SHARE = 0.3
SEED = 7
PDO = 20
ODDS = 50
SCORE_AT_ODDS = 600
MIN_LOANS = 200
MIN_BAD = 20


class NotEnoughHistory(ValueError):
    pass


@dataclass(frozen=True)
class FitReport:
    text: str
    """The proposed scorecard, as YAML."""
    scorecard: Scorecard
    loans: int
    bad: int
    trained_on: int
    held_back: int
    auc: float
    ks: float
    dropped: tuple[str, ...]
    """Features optbinning found no usable bins for."""


def _auc(scores: Sequence[int], bad: Sequence[bool]) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score([int(b) for b in bad], [-s for s in scores]))  # a higher score: less risk


def _ks(scores: Sequence[int], bad: Sequence[bool]) -> float:
    from scipy.stats import ks_2samp

    good_scores = [s for s, b in zip(scores, bad, strict=True) if not b]
    bad_scores = [s for s, b in zip(scores, bad, strict=True) if b]
    return float(ks_2samp(good_scores, bad_scores).statistic)


def _split(loans: list[PastLoan]) -> tuple[list[int], list[int]]:
    """Stratified by outcome, seeded: the same history always gives the same split."""
    rng = random.Random(SEED)
    train: list[int] = []
    test: list[int] = []
    for outcome in (False, True):
        indexes = [i for i, loan in enumerate(loans) if loan.bad is outcome]
        rng.shuffle(indexes)
        cut = round(len(indexes) * HOLD_OUT_SHARE)
        test += indexes[:cut]
        train += indexes[cut:]
    return sorted(train), sorted(test)


def _number(value: float) -> str:
    """A bin edge as an operator reads it: whole where it is whole, else at most four decimals."""
    return str(int(value)) if float(value).is_integer() else f"{value:.4f}".rstrip("0").rstrip(".")


def _feature_yaml(base: ScoredFeature, splits: Sequence[float], points: Sequence[float], missing: float) -> list[str]:
    rounded = [round(p) for p in points]
    best = max([*rounded, round(missing)])
    reason = next((band.reason for band in base.bands if band.reason), "")
    lines = [f"    {base.name}:"]
    if base.kind != base.name:
        lines.append(f"      feature: {base.kind}")
    lines += [f"      window: {{{base.window.unit.value}: {base.window.length}}}", "      bands:"]
    for i, value in enumerate(rounded):
        below = f"below: {_number(splits[i])}, " if i < len(splits) else ""
        why = f", reason: {reason}" if reason and value < best else ""
        lines.append(f"        - {{{below}points: {value}{why}}}")
    missing_reason = base.missing.reason or reason
    why = f", reason: {missing_reason}" if missing_reason and round(missing) < best else ""
    lines.append(f"      missing: {{points: {round(missing)}{why}}}")
    return lines


def _matrix(values: list[dict[str, FeatureValue]], names: list[str]) -> Any:
    import pandas as pd

    return pd.DataFrame([[math.nan if v.get(n) is None else v[n] for n in names] for v in values], columns=names)


def _fit_points(base: Scorecard, values: list[dict[str, FeatureValue]], bad: list[bool]) -> tuple[list[str], list[str]]:
    """YAML lines of the fitted features, and the features dropped."""
    from optbinning import BinningProcess
    from optbinning import Scorecard as OptScorecard
    from sklearn.linear_model import LogisticRegression

    names = [feature.name for feature in base.features]
    empirical = {"metric_missing": "empirical", "metric_special": "empirical"}
    process = BinningProcess(
        names,
        binning_fit_params={name: {"monotonic_trend": "auto_asc_desc"} for name in names},
        binning_transform_params={name: empirical for name in names},
    )
    model = OptScorecard(
        binning_process=process,
        estimator=LogisticRegression(),
        scaling_method="pdo_odds",
        scaling_method_params={"pdo": PDO, "odds": ODDS, "scorecard_points": SCORE_AT_ODDS},
    )
    with warnings.catch_warnings():
        # optbinning 1.0 on pandas 3 and scikit-learn 1.9 warns of its own coming deprecations: not ours to fix
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        model.fit(_matrix(values, names), [int(b) for b in bad])
        table = model.table(style="summary")
    lines: list[str] = []
    dropped: list[str] = []
    for feature in base.features:
        splits = list(model.binning_process_.get_binned_variable(feature.name).splits)
        rows = table[table["Variable"] == feature.name]
        if rows.empty or not splits:
            dropped.append(feature.name)
            continue
        points = [float(p) for p in rows["Points"]]
        bins = [str(b) for b in rows["Bin"]]
        missing = points[bins.index("Missing")] if "Missing" in bins else 0.0
        lines += _feature_yaml(feature, splits, points[: len(splits) + 1], missing)
    return lines, dropped


def propose(engine: Engine, base: Scorecard, fitted_at: datetime) -> FitReport:
    loans = past_loans(engine)
    bad = [loan.bad for loan in loans]
    if len(loans) < MIN_LOANS or sum(bad) < MIN_BAD:
        raise NotEnoughHistory(
            f"{len(loans)} closed loans, {sum(bad)} of them bad: fitting needs {MIN_LOANS} loans and {MIN_BAD} bad ones"
        )
    histories = load_histories(engine, (loan.customer_id for loan in loans))
    values = [
        dict(compute_features(histories[loan.customer_id], base.wanted(), loan.applied_at, True).values)
        for loan in loans
    ]
    train, test = _split(loans)
    lines, dropped = _fit_points(base, [values[i] for i in train], [bad[i] for i in train])
    header = [
        f"# Proposed by `jembatan scoring fit` on {fitted_at:%Y-%m-%d %H:%M} UTC from {len(train)} past loans",
        f"# ({len(test)} more held back to measure it). Review before copying it over menus/scorecard.yaml;",
        "# the decision policy's score bands may need moving to this scale.",
        "scorecard:",
        f"  name: {base.name}_fitted",
        "  base_points: 0",
        f"  reasons_shown: {base.reasons_shown}",
        "  features:",
    ]
    text = "\n".join(header + lines) + "\n"
    card, problems = read_scorecard(text, "proposed scorecard")
    if card is None:
        raise ValueError("the proposed scorecard does not read back:\n" + "\n".join(problems))
    scores = [score(card, values[i]).total for i in test]
    held_bad = [bad[i] for i in test]
    return FitReport(
        text,
        card,
        len(loans),
        sum(bad),
        len(train),
        len(test),
        _auc(scores, held_bad),
        _ks(scores, held_bad),
        tuple(dropped),
    )
