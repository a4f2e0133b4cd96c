"""The decision policy (`menus/decision_policy.yaml`): approve automatically up to a limit that depends on
the score band and the product, otherwise refer to an officer. `decide` is pure.

It never declines: a person decides every refusal. A customer with no value-chain records (or no consent
to use them) is referred with the reason `no_records`, never declined for it: an officer looks at the
whole file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from gateway.scoring.scorecard import ScoreResult, content_version, read_root
from gateway.yamlsource import LineMap, ProblemLines

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "menus" / "decision_policy.yaml"
POLICY_FILE = "decision_policy.yaml"
TOP_KEYS = ("bands", "limits", "default_limits")
NO_RECORDS = "no_records"
ABOVE_LIMIT = "above_auto_limit"
POLICY_REASONS = (NO_RECORDS, ABOVE_LIMIT)
"""The policy's own reason codes; texts are `scoring.reason.<code>` in the locales, beside the scorecard's."""
POLICY_REASON_KEY = "scoring.reason.{code}"
_NAME = re.compile(r"^[A-Za-z0-9_]{1,20}$")


class Decision(str, Enum):
    APPROVE = "approve"
    REFER = "refer"


@dataclass(frozen=True)
class ScoreBand:
    name: str
    min_score: int


@dataclass(frozen=True)
class Policy:
    bands: tuple[ScoreBand, ...]
    """Highest first."""
    limits: Mapping[str, Mapping[str, int]]
    """Automatic-approval limit in rupiah, by product code, then band name."""
    default_limits: Mapping[str, int]
    """For a product not listed in `limits`."""
    version: str
    source: str = "menus/decision_policy.yaml"

    def band_for(self, total: int) -> ScoreBand | None:
        return next((band for band in self.bands if total >= band.min_score), None)

    def limit_for(self, product_code: str, band: str) -> int:
        return self.limits.get(product_code, self.default_limits).get(band, 0)


@dataclass(frozen=True)
class PolicyOutcome:
    outcome: Decision
    reasons: tuple[str, ...]
    """For a referral: the policy's reason first (`no_records`, `above_auto_limit`), then the score's."""
    limit: int
    """The automatic-approval limit for this score band and product, in rupiah (0: none)."""
    band: str = ""


def decide(
    policy: Policy, score_result: ScoreResult, product_code: str, amount: int, has_records: bool
) -> PolicyOutcome:
    band = policy.band_for(score_result.total)
    limit = policy.limit_for(product_code, band.name) if band else 0
    name = band.name if band else ""
    if not has_records:
        return PolicyOutcome(Decision.REFER, _first_each(NO_RECORDS, *score_result.reasons), limit, name)
    if 0 < amount <= limit:
        return PolicyOutcome(Decision.APPROVE, (), limit, name)
    return PolicyOutcome(Decision.REFER, _first_each(ABOVE_LIMIT, *score_result.reasons), limit, name)


def _first_each(*codes: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(codes))


def _bands(problems: ProblemLines, root: LineMap) -> tuple[ScoreBand, ...]:
    raw = root.get("bands")
    if not isinstance(raw, list) or not raw:
        problems.add(
            root.line_of("bands"), "policy has no score bands", "list bands as {name: A, min_score: 600}, highest first"
        )
        return ()
    bands: list[ScoreBand] = []
    for node in raw:
        line = node.line if isinstance(node, LineMap) else root.line_of("bands")
        name = node.get("name") if isinstance(node, LineMap) else None
        low = node.get("min_score") if isinstance(node, LineMap) else None
        if not isinstance(name, str) or not _NAME.match(name) or isinstance(low, bool) or not isinstance(low, int):
            problems.add(line, "a band needs a name and a whole min_score", "write it as {name: A, min_score: 600}")
            continue
        if isinstance(node, LineMap):
            problems.unknown_keys(node, ("name", "min_score"), f"band {name}")
        if bands and low >= bands[-1].min_score:
            problems.add(line, f"band {name} starts at {low}, not below the band before it", "list bands highest first")
        if any(band.name == name for band in bands):
            problems.add(line, f"band {name} is listed twice", "give each band its own name")
        bands.append(ScoreBand(name, low))
    return tuple(bands)


def _limits(problems: ProblemLines, node: object, line: int, where: str, bands: set[str]) -> dict[str, int]:
    if not isinstance(node, LineMap):
        problems.add(line, f"{where} must map band names to rupiah", "write it as {A: 10000000, B: 5000000}")
        return {}
    limits: dict[str, int] = {}
    for band, value in node.items():
        if band not in bands:
            problems.add(
                node.line_of(band), f"{where} names no band {band!r}", f"use one of {', '.join(sorted(bands))}"
            )
        elif isinstance(value, bool) or not isinstance(value, int) or value < 0:
            problems.add(node.line_of(band), f"{where}.{band} is {value!r}", "write whole rupiah, 0 or more")
        else:
            limits[band] = value
    return limits


def read_policy(text: str, source_name: str = "menus/decision_policy.yaml") -> tuple[Policy | None, list[str]]:
    root, problems = read_root(text, source_name, "policy", TOP_KEYS)
    if root is None:
        return None, problems
    bands = _bands(problems, root)
    names = {band.name for band in bands}
    raw_limits = root.get("limits", LineMap())
    limits: dict[str, dict[str, int]] = {}
    if not isinstance(raw_limits, LineMap):
        problems.add(
            root.line_of("limits"), "policy.limits must map product codes to limits", "see the file's comments"
        )
    else:
        for product, node in raw_limits.items():
            limits[product] = _limits(problems, node, raw_limits.line_of(product), f"limits.{product}", names)
    default = _limits(
        problems, root.get("default_limits", LineMap()), root.line_of("default_limits"), "default_limits", names
    )
    if problems:
        return None, problems
    version = content_version({"policy": root}).replace("sc-", "dp-")
    return Policy(bands, limits, default, version, source_name), problems


def load_policy(path: Path = DEFAULT_PATH) -> Policy:
    policy, problems = read_policy(path.read_text(encoding="utf-8"), str(path))
    if policy is None:
        raise ValueError("\n".join(problems))
    return policy
