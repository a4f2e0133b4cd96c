"""The figures of one USSD scenario, hop against bare, and whether the targets hold."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from bench.figures import LoadResult

__all__ = ["MAX_P99_RATIO", "MIN_THROUGHPUT_RATIO", "TARGET_CONNECTIONS", "HopReport"]

MIN_THROUGHPUT_RATIO = {"menu": 0.85, "balance_read": 0.70}
"""Issue 10: hop requests/s at least this share of the bare app's in the same run (other scenarios: none)."""
MAX_P99_RATIO = {"menu": 1.5}
"""Issue 10: the hop's p99 at most this multiple of the bare app's p99 in the same run."""
TARGET_CONNECTIONS = 16  # the targets are stated at this many connections


def _row(label: str, result: LoadResult) -> str:
    return (
        f"  {label:<6} {result.requests_per_s:>9.1f} {result.p50_ms:>8.1f} {result.p99_ms:>8.1f}"
        f" {result.requests:>9d} {result.errors:>7d} {result.unexpected:>10d}"
    )


WALK_SHOWN_CHARS = 120


def _verdict(met: bool) -> str:
    return "MET" if met else "MISSED"


@dataclass(frozen=True)
class HopReport:
    scenario: str
    walk: str
    connections: int
    duration_s: float
    bare: LoadResult
    hop: LoadResult
    load_before: float = 0.0  # the machine's 1-minute load average before the servers started
    round_ratios: tuple[float, ...] = ()  # hop/bare throughput of each round (bench/ussd_hop.py --rounds)
    cpu_us: Mapping[str, tuple[float, float]] = field(default_factory=dict)
    """CPU microseconds per request, (app processes, Redis server), by app ("bare", "hop"); bench/cpu_time.py."""

    @property
    def walk_shown(self) -> str:
        """Long walks (balance_read has ~300 hops) are shown by their first steps and their length."""
        steps = self.walk.split(",")
        if len(self.walk) <= WALK_SHOWN_CHARS:
            return self.walk
        return ",".join(steps[:6]) + f",... ({len(steps)} hops)"

    @property
    def ratio(self) -> float:
        return self.hop.requests_per_s / self.bare.requests_per_s if self.bare.requests_per_s else 0.0

    @property
    def p99_ratio(self) -> float:
        return self.hop.p99_ms / self.bare.p99_ms if self.bare.p99_ms else 0.0

    def verdicts(self) -> list[str]:
        """`target ...: MET|MISSED` for each target this scenario has."""
        lines = []
        if self.scenario in MIN_THROUGHPUT_RATIO:
            wanted = MIN_THROUGHPUT_RATIO[self.scenario]
            lines.append(f"target hop >= {wanted:.2f} x bare req/s: {_verdict(self.ratio >= wanted)}")
        if self.scenario in MAX_P99_RATIO:
            wanted = MAX_P99_RATIO[self.scenario]
            lines.append(f"target hop p99 <= {wanted:g} x bare p99: {_verdict(self.p99_ratio <= wanted)}")
        return lines

    def table(self) -> str:
        at = "" if self.connections == TARGET_CONNECTIONS else f" (targets are stated at {TARGET_CONNECTIONS})"
        lines = [
            f"USSD hop, scenario '{self.scenario}': walk \"{self.walk_shown}\", {self.connections} connections{at},"
            f" {self.duration_s:g} s measured, load by {self.hop.tool}",
            f"  {'':<6} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} {'errors':>7} {'unexpected':>10}",
            _row("bare", self.bare),
            _row("hop", self.hop),
            f"  hop/bare throughput: {self.ratio:.2f} x ({self.ratio:.1%}); hop/bare p99: {self.p99_ratio:.2f} x",
            *(f"  {line}" for line in self.verdicts()),
            *(
                [f"  hop/bare per round: {' '.join(f'{r:.2f}' for r in self.round_ratios)} (spread)"]
                if len(self.round_ratios) > 1
                else []
            ),
            *self._cpu_lines(),
            f"  machine load before: {self.load_before:.2f} (1-min average, {os.cpu_count()} cores; busy means noisy)",
        ]
        if not (self.bare.clean and self.hop.clean):
            lines.append("  WARNING: errors or unexpected replies: these figures do not measure the intended walk")
        return "\n".join(lines)

    def _cpu_lines(self) -> list[str]:
        if not all(self.cpu_us.get(name, (0.0, 0.0))[0] for name in ("bare", "hop")):
            return []
        (bare_app, bare_redis), (hop_app, hop_redis) = self.cpu_us["bare"], self.cpu_us["hop"]
        redis_part = f", Redis {bare_redis:.0f} / {hop_redis:.0f}" if bare_redis and hop_redis else ""
        return [f"  CPU us per request, bare / hop: app {bare_app:.0f} / {hop_app:.0f}{redis_part}"]

    def summary_line(self) -> str:
        return (
            f"{self.scenario:<8} hop {self.hop.requests_per_s:8.1f} req/s p99 {self.hop.p99_ms:6.1f} ms | "
            f"bare {self.bare.requests_per_s:8.1f} req/s p99 {self.bare.p99_ms:6.1f} ms | "
            f"ratio {self.ratio:4.2f} x, p99 {self.p99_ratio:4.2f} x"
            + "".join(f" | {line}" for line in self.verdicts())
            + ("" if self.bare.clean and self.hop.clean else " | NOT CLEAN")
        )
