"""The scorecard operators own (`menus/scorecard.yaml`): features over stated windows, points per band,
reason codes. `read_scorecard(text, source_name)` parses it; `score(scorecard, features)` is pure.

A band covers values below its `below` (the last band has none: everything else). A feature without a
value (no records, no consent, nothing due yet) gets its `missing` points. A band's `reason` explains
points short of the feature's best band; the reasons with the most points short come first. The
version is a hash of the content (comments and layout do not change it), stored with every score.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from gateway.scoring.features import FEATURE_KINDS, FeatureValue, Window, WindowUnit
from gateway.yamlsource import LineMap, ProblemLines, YamlError, read_yaml

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "menus" / "scorecard.yaml"
SCORECARD_FILE = "scorecard.yaml"
REASON_KEY = "scoring.reason.{code}"
TOP_KEYS = ("name", "base_points", "reasons_shown", "features")
FEATURE_KEYS = ("feature", "window", "bands", "missing")
BAND_KEYS = ("below", "points", "reason")
MAX_WINDOW = {WindowUnit.MONTHS: 60, WindowUnit.DAYS: 730}
DEFAULT_REASONS_SHOWN = 3
_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


@dataclass(frozen=True)
class Band:
    below: float | None  # None: the last band, everything not below an earlier bound
    points: int
    reason: str = ""


@dataclass(frozen=True)
class ScoredFeature:
    name: str
    kind: str
    window: Window
    bands: tuple[Band, ...]
    missing: Band

    @property
    def best(self) -> int:
        return max([band.points for band in self.bands] + [self.missing.points])

    def band_for(self, value: FeatureValue) -> Band:
        if value is None:
            return self.missing
        return next(band for band in self.bands if band.below is None or value < band.below)


@dataclass(frozen=True)
class Scorecard:
    name: str
    base_points: int
    reasons_shown: int
    features: tuple[ScoredFeature, ...]
    version: str
    source: str = "menus/scorecard.yaml"

    @property
    def reason_codes(self) -> frozenset[str]:
        bands = [band for feature in self.features for band in (*feature.bands, feature.missing)]
        return frozenset(band.reason for band in bands if band.reason)

    def wanted(self) -> list[tuple[str, str, Window]]:
        """What `features.compute_features` must compute for this scorecard."""
        return [(feature.name, feature.kind, feature.window) for feature in self.features]


@dataclass(frozen=True)
class ScoreResult:
    total: int
    points: Mapping[str, int]
    values: Mapping[str, FeatureValue]
    reasons: tuple[str, ...]
    """Reason codes, the most points short first; texts are `scoring.reason.<code>` in the locales."""
    scorecard_version: str


def score(scorecard: Scorecard, values: Mapping[str, FeatureValue]) -> ScoreResult:
    """Pure: the same scorecard and values give the same result, so a stored decision can be replayed."""
    points: dict[str, int] = {}
    shortfalls: list[tuple[int, int, str]] = []
    for order, feature in enumerate(scorecard.features):
        band = feature.band_for(values.get(feature.name))
        points[feature.name] = band.points
        if band.reason and band.points < feature.best:
            shortfalls.append((-(feature.best - band.points), order, band.reason))
    reasons: list[str] = []
    for _, _, code in sorted(shortfalls):
        if code not in reasons:
            reasons.append(code)
    return ScoreResult(
        scorecard.base_points + sum(points.values()),
        points,
        {feature.name: values.get(feature.name) for feature in scorecard.features},
        tuple(reasons[: scorecard.reasons_shown]),
        scorecard.version,
    )


def content_version(data: object) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return "sc-" + hashlib.sha256(canonical.encode()).hexdigest()[:12]


def _int(problems: ProblemLines, node: LineMap, key: str, where: str, default: int, low: int = 0) -> int:
    value = node.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        problems.add(node.line_of(key), f"{where}.{key} is {value!r}", f"write a whole number of at least {low}")
        return default
    return value


def _band(problems: ProblemLines, node: object, line: int, where: str, last: bool) -> Band | None:
    if not isinstance(node, LineMap):
        problems.add(
            line, f"{where} must be a mapping", "write it as {below: 4, points: 20, reason: savings_irregular}"
        )
        return None
    problems.unknown_keys(node, BAND_KEYS, where)
    below = node.get("below")
    if last and below is not None:
        problems.add(node.line_of("below"), f"{where} has a 'below'", "leave it out of the last band and of missing")
    if not last and (isinstance(below, bool) or not isinstance(below, int | float)):
        problems.add(node.line, f"{where} needs a number 'below'", "give the upper bound (values below it fall here)")
        below = None
    points = node.get("points")
    if isinstance(points, bool) or not isinstance(points, int):
        problems.add(node.line_of("points"), f"{where}.points is {points!r}", "write whole points, e.g. 20")
        points = 0
    reason = node.get("reason", "")
    if reason and (not isinstance(reason, str) or not _CODE.match(reason)):
        problems.add(
            node.line_of("reason"), f"{where}.reason {reason!r} is not a code", "use snake_case, e.g. savings_irregular"
        )
        reason = ""
    return Band(None if last else float(below) if below is not None else None, points, reason)


def _window(problems: ProblemLines, node: LineMap, where: str, unit: WindowUnit) -> Window:
    spec = node.get("window")
    if not isinstance(spec, LineMap) or list(spec) != [unit.value]:
        problems.add(
            node.line_of("window"),
            f"{where}.window must be {{{unit.value}: N}}",
            f"count this feature's window in {unit.value}",
        )
        return Window(1, unit)
    length = spec[unit.value]
    if isinstance(length, bool) or not isinstance(length, int) or not 1 <= length <= MAX_WINDOW[unit]:
        problems.add(spec.line, f"{where}.window is {length!r} {unit.value}", f"write 1 to {MAX_WINDOW[unit]}")
        return Window(1, unit)
    return Window(length, unit)


def _feature(problems: ProblemLines, name: str, node: object, line: int) -> ScoredFeature | None:
    where = f"features.{name}"
    if not isinstance(node, LineMap):
        problems.add(line, f"{where} must be a mapping", "give it window, bands and missing")
        return None
    problems.unknown_keys(node, FEATURE_KEYS, where)
    kind = node.get("feature", name)
    if kind not in FEATURE_KINDS:
        problems.add(
            node.line_of("feature"),
            f"{where} names no known feature {kind!r}",
            f"use one of {', '.join(FEATURE_KINDS)}",
        )
        return None
    window = _window(problems, node, where, FEATURE_KINDS[kind].unit)
    raw_bands = node.get("bands")
    if not isinstance(raw_bands, list) or not raw_bands:
        problems.add(node.line_of("bands"), f"{where} has no bands", "list bands from low values to high")
        return None
    bands = [
        _band(problems, band, node.line_of("bands"), f"{where}.bands[{i + 1}]", i == len(raw_bands) - 1)
        for i, band in enumerate(raw_bands)
    ]
    bounds = [band.below for band in bands[:-1] if band is not None and band.below is not None]
    if any(low >= high for low, high in pairwise(bounds)):
        problems.add(
            node.line_of("bands"), f"{where} bands' 'below' do not rise", "order bands from low values to high"
        )
    missing = (
        _band(problems, node.get("missing", LineMap()), node.line_of("missing"), f"{where}.missing", True)
        if "missing" in node
        else Band(None, 0)
    )
    if any(band is None for band in bands) or missing is None:
        return None
    return ScoredFeature(name, kind, window, tuple(b for b in bands if b is not None), missing)


def read_root(text: str, source_name: str, key: str, allowed: tuple[str, ...]) -> tuple[LineMap | None, ProblemLines]:
    """The mapping under the file's one top-level `key`, or None; problems so far (syntax, unknown keys)."""
    problems = ProblemLines(source_name)
    try:
        data = read_yaml(text, source_name)
    except YamlError as exc:
        problems.add(exc.line, exc.message, "fix the YAML syntax")
        return None, problems
    root = data.get(key) if isinstance(data, LineMap) else None
    if not isinstance(root, LineMap):
        problems.add(1, f"no '{key}:' mapping at the top", f"start the file with '{key}:'")
        return None, problems
    problems.unknown_keys(root, allowed, key)
    return root, problems


def read_scorecard(text: str, source_name: str = "menus/scorecard.yaml") -> tuple[Scorecard | None, list[str]]:
    """The scorecard, or None with `file:line: problem — fix` lines."""
    root, problems = read_root(text, source_name, "scorecard", TOP_KEYS)
    if root is None:
        return None, problems
    name = root.get("name", "scorecard")
    base = _int(problems, root, "base_points", "scorecard", 0)
    shown = _int(problems, root, "reasons_shown", "scorecard", DEFAULT_REASONS_SHOWN, low=1)
    raw = root.get("features")
    if not isinstance(raw, LineMap) or not raw:
        problems.add(
            root.line_of("features"), "scorecard has no features", "add features with window, bands and missing"
        )
        return None, problems
    features = [_feature(problems, key, value, raw.line_of(key)) for key, value in raw.items()]
    if problems:
        return None, problems
    card = Scorecard(
        str(name),
        base,
        shown,
        tuple(f for f in features if f is not None),
        content_version({"scorecard": root}),
        source_name,
    )
    return card, problems


def load_scorecard(path: Path = DEFAULT_PATH) -> Scorecard:
    """Raises ValueError with the problems (as `jembatan menus check` prints them)."""
    card, problems = read_scorecard(path.read_text(encoding="utf-8"), str(path))
    if card is None:
        raise ValueError("\n".join(problems))
    return card
