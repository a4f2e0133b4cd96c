"""`jembatan scoring report`: approval rates and mean scores by value chain, province and (where recorded)
gender, with fairlearn's MetricFrame, and a flag on any group approved at under 0.8 of the best group's rate
(the four-fifths rule of thumb). `report(rows)` takes plain rows, so it reads stored decisions or a replay of
past loans alike.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

FOUR_FIFTHS = 0.8
NOT_RECORDED = "(not recorded)"
DIMENSIONS = ("value_chain", "province", "gender")


@dataclass(frozen=True)
class FairnessRow:
    approved: bool
    score: int | None
    value_chain: str
    province: str
    gender: str | None = None


@dataclass(frozen=True)
class GroupLine:
    group: str
    count: int
    approval_rate: float
    approval_ratio: float
    """This group's approval rate over the best group's."""
    mean_score: float | None
    score_ratio: float | None

    @property
    def flagged(self) -> bool:
        return self.approval_ratio < FOUR_FIFTHS


@dataclass(frozen=True)
class DimensionReport:
    dimension: str
    groups: tuple[GroupLine, ...]
    note: str = ""

    @property
    def flagged(self) -> tuple[str, ...]:
        return tuple(line.group for line in self.groups if line.flagged)


def province_of(place: str) -> str:
    """`Pangalengan, Jawa Barat` -> `Jawa Barat`: the part after the last comma."""
    return place.rsplit(",", 1)[-1].strip() or NOT_RECORDED


def _approval(y_true: Any, y_pred: Any) -> float:
    import numpy as np

    return float(np.mean(y_pred))


def _mean_score(y_true: Any, y_pred: Any) -> float:
    """The mean of the known scores (an application scored by no scorecard has none)."""
    import numpy as np

    known = np.asarray(y_true, dtype="float64")
    known = known[~np.isnan(known)]
    return float(known.mean()) if len(known) else math.nan


def _dimension(rows: Sequence[FairnessRow], dimension: str) -> DimensionReport:
    import pandas as pd
    from fairlearn.metrics import MetricFrame, count

    groups = [getattr(row, dimension) for row in rows]
    if all(group is None for group in groups):
        return DimensionReport(dimension, (), "not recorded for any application")
    frame = MetricFrame(
        metrics={"count": count, "approval_rate": _approval, "mean_score": _mean_score},
        y_true=pd.Series([math.nan if row.score is None else row.score for row in rows], dtype="float64"),
        y_pred=pd.Series([int(row.approved) for row in rows]),
        sensitive_features=pd.Series([NOT_RECORDED if g is None else g for g in groups], name=dimension),
    )
    table = frame.by_group
    best_rate = float(table["approval_rate"].max())
    best_score = float(table["mean_score"].max()) if table["mean_score"].notna().any() else math.nan
    lines = []
    for group, values in table.iterrows():
        rate, mean = float(values["approval_rate"]), float(values["mean_score"])
        lines.append(
            GroupLine(
                str(group),
                int(values["count"]),
                rate,
                rate / best_rate if best_rate > 0 else 1.0,
                None if math.isnan(mean) else mean,
                None if math.isnan(mean) or not best_score else mean / best_score,
            )
        )
    return DimensionReport(dimension, tuple(sorted(lines, key=lambda line: -line.approval_rate)))


def report(rows: Sequence[FairnessRow]) -> list[DimensionReport]:
    if not rows:
        return []
    return [_dimension(rows, dimension) for dimension in DIMENSIONS]


def _number(value: float | None, pattern: str) -> str:
    return "-" if value is None else format(value, pattern)


def render(title: str, reports: Sequence[DimensionReport]) -> str:
    if not reports:
        return f"{title}\nno decided applications yet: nothing to compare"
    out = [title]
    for part in reports:
        out.append(f"\nby {part.dimension.replace('_', ' ')}:" + (f" {part.note}" if part.note else ""))
        if not part.groups:
            continue
        width = max(len(line.group) for line in part.groups) + 2
        out.append(f"  {'group'.ljust(width)}{'count':>7}{'approved':>10}{'ratio':>8}{'mean score':>12}{'ratio':>8}")
        for line in part.groups:
            mark = "  <- below 0.8 of the best group" if line.flagged else ""
            out.append(
                f"  {line.group.ljust(width)}{line.count:>7}{line.approval_rate:>10.1%}{line.approval_ratio:>8.2f}"
                f"{_number(line.mean_score, '.1f'):>12}{_number(line.score_ratio, '.2f'):>8}{mark}"
            )
    flagged = [f"{part.dimension}={group}" for part in reports for group in part.flagged]
    out.append("\nflagged: " + (", ".join(flagged) if flagged else "no group is below 0.8 of the best group's rate"))
    return "\n".join(out)


def stored_rows(engine: Any) -> list[FairnessRow]:
    """The decided applications (gateway.decisions' tables); gender is not recorded by the gateway."""
    from gateway.scoring.history import decided_applications

    return [
        FairnessRow(app.approved, app.score, app.value_chain or NOT_RECORDED, province_of(app.place))
        for app in decided_applications(engine)
    ]


def replayed_rows(engine: Any, scorecard: Any, policy: Any) -> list[FairnessRow]:
    """Every closed past loan scored again with today's scorecard and policy, as if applied for with consent:
    what the policy would approve automatically, by group (referrals count as not approved)."""
    from gateway.scoring.history import load_histories, past_loans
    from gateway.scoring.policy import Decision
    from gateway.scoring.service import ScoringRequest, assess

    loans = past_loans(engine)
    histories = load_histories(engine, (loan.customer_id for loan in loans))
    rows = []
    for loan in loans:
        history = histories[loan.customer_id]
        request = ScoringRequest(loan.customer_id, loan.product_code, loan.principal, loan.applied_at, True)
        scored = assess(scorecard, policy, history, request)
        rows.append(
            FairnessRow(
                scored.outcome.outcome is Decision.APPROVE,
                scored.result.total,
                history.value_chain or NOT_RECORDED,
                province_of(history.place),
            )
        )
    return rows
