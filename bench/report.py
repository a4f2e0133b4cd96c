"""The figures of one USSD scenario, hop against bare, and whether the targets hold."""

from __future__ import annotations

import os
from dataclasses import dataclass

from bench.figures import LoadResult

__all__ = ["MIN_THROUGHPUT_RATIO", "TARGET_CONNECTIONS", "TARGET_P99_MS", "HopReport"]

MIN_THROUGHPUT_RATIO = 0.60  # hop requests/s at least 60% of bare
TARGET_P99_MS = 50.0  # hop p99 below this ...
TARGET_CONNECTIONS = 16  # ... at this many connections


def _row(label: str, result: LoadResult) -> str:
    return (
        f"  {label:<6} {result.requests_per_s:>9.1f} {result.p50_ms:>8.1f} {result.p99_ms:>8.1f}"
        f" {result.requests:>9d} {result.errors:>7d} {result.unexpected:>10d}"
    )


WALK_SHOWN_CHARS = 120


@dataclass(frozen=True)
class HopReport:
    scenario: str
    walk: str
    connections: int
    duration_s: float
    bare: LoadResult
    hop: LoadResult
    load_before: float = 0.0  # the machine's 1-minute load average before the servers started

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
    def throughput_ok(self) -> bool:
        return self.ratio >= MIN_THROUGHPUT_RATIO

    @property
    def latency_ok(self) -> bool:
        return self.hop.p99_ms < TARGET_P99_MS

    def table(self) -> str:
        at = "" if self.connections == TARGET_CONNECTIONS else f" (targets are stated at {TARGET_CONNECTIONS})"
        lines = [
            f"USSD hop, scenario '{self.scenario}': walk \"{self.walk_shown}\", {self.connections} connections{at},"
            f" {self.duration_s:g} s measured, load by {self.hop.tool}",
            f"  {'':<6} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'requests':>9} {'errors':>7} {'unexpected':>10}",
            _row("bare", self.bare),
            _row("hop", self.hop),
            f"  hop/bare throughput: {self.ratio:.1%}",
            f"  target hop >= {MIN_THROUGHPUT_RATIO:.0%} of bare: {'MET' if self.throughput_ok else 'MISSED'}",
            f"  target hop p99 < {TARGET_P99_MS:g} ms: {'MET' if self.latency_ok else 'MISSED'}",
            f"  machine load before: {self.load_before:.2f} (1-min average, {os.cpu_count()} cores; busy means noisy)",
        ]
        if not (self.bare.clean and self.hop.clean):
            lines.append("  WARNING: errors or unexpected replies: these figures do not measure the intended walk")
        return "\n".join(lines)

    def summary_line(self) -> str:
        return (
            f"{self.scenario:<8} hop {self.hop.requests_per_s:8.1f} req/s p99 {self.hop.p99_ms:6.1f} ms | "
            f"bare {self.bare.requests_per_s:8.1f} req/s p99 {self.bare.p99_ms:6.1f} ms | "
            f"ratio {self.ratio:6.1%} | throughput {'MET' if self.throughput_ok else 'MISSED'}, "
            f"p99 {'MET' if self.latency_ok else 'MISSED'}"
            + ("" if self.bare.clean and self.hop.clean else " | NOT CLEAN")
        )
