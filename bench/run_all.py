"""Everything `make bench` runs: the USSD hop in the `menu` and `balance` scenarios, then every
`bench/*_bench.py` module with a `main()` (SMS, reminders, ... plug in by existing), then a summary.

    python bench/run_all.py [--duration 15] [--warmup 3] [--connections 16] [--rounds 3] [--env KEY=VALUE ...]
                            [--loadgen auto|wrk|python] [--no-seed] [--only menu,balance,sms_bench]

A plug-in module's contract: `main(argv: list[str] | None = None) -> int` (called with `[]`) or
`main() -> int`, which prints its own figures and returns 0, or non-zero when it could not measure.
Exit code: 0 when everything was measured, targets met or not (this reports, it does not judge);
non-zero when a server failed to start, the load generator failed, or a plug-in failed.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import os
import sys
import time
import traceback
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import ussd_hop
from bench.report import HopReport

__all__ = ["SCENARIOS", "main", "plugin_names"]

BENCH_DIR = Path(__file__).resolve().parent
SCENARIOS = ("menu", "balance", "balance_read")
PLUGIN_SUFFIX = "_bench"
EXIT_PLUGIN_FAILED = 5


def parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(description="all Jembatan benchmarks", prog="run_all")
    cli.add_argument("--duration", type=float, default=ussd_hop.DEFAULT_DURATION_S)
    cli.add_argument("--warmup", type=float, default=ussd_hop.DEFAULT_WARMUP_S)
    cli.add_argument("--connections", type=int, default=ussd_hop.DEFAULT_CONNECTIONS)
    cli.add_argument("--rounds", type=int, default=ussd_hop.DEFAULT_ROUNDS)
    cli.add_argument("--env", action="append", default=[], metavar="KEY=VALUE")
    cli.add_argument("--loadgen", choices=["auto", "wrk", "python"], default="auto")
    cli.add_argument("--no-seed", action="store_true")
    cli.add_argument("--only", help="comma list of scenarios and plug-in modules to run (default: all)")
    return cli


def plugin_names() -> list[str]:
    return sorted(path.stem for path in BENCH_DIR.glob(f"*{PLUGIN_SUFFIX}.py"))


def hop_argv(args: argparse.Namespace, scenario: str) -> list[str]:
    argv = ["--scenario", scenario, "--duration", str(args.duration), "--warmup", str(args.warmup)]
    argv += ["--connections", str(args.connections), "--rounds", str(args.rounds), "--loadgen", args.loadgen]
    argv += [f"--env={item}" for item in args.env]
    return argv + (["--no-seed"] if args.no_seed else [])


def call_main(entry: Callable[..., object]) -> object:
    accepts_argv = bool(inspect.signature(entry).parameters)
    return entry([]) if accepts_argv else entry()


def run_plugin(name: str) -> int:
    print(f"\n=== {name} ===", flush=True)
    try:
        module = importlib.import_module(f"bench.{name}")
        entry = getattr(module, "main", None)
        if not callable(entry):
            print(f"bench: {name} has no main(); skipped")
            return 0
        code = call_main(entry)
    except SystemExit as exit_:  # argparse refused its arguments, or it stopped itself
        return exit_.code if isinstance(exit_.code, int) else EXIT_PLUGIN_FAILED
    except Exception:  # a broken plug-in must not hide the other figures
        traceback.print_exc()
        return EXIT_PLUGIN_FAILED
    return code if isinstance(code, int) else 0


SETTLED_LOAD = 1.0
SETTLE_LIMIT_S = 120.0


def settle() -> None:
    """Let the previous run's load die down (1-minute average under 1 on 2 cores), at most two minutes:
    back-to-back runs otherwise measure the one before as much as their own."""
    deadline = time.monotonic() + SETTLE_LIMIT_S
    while os.getloadavg()[0] > SETTLED_LOAD and time.monotonic() < deadline:
        time.sleep(5)


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    wanted = set(args.only.split(",")) if args.only else None
    reports: list[HopReport] = []
    unmeasured: list[str] = []
    worst = 0
    for scenario in SCENARIOS:
        if wanted is None or scenario in wanted:
            print(f"\n=== ussd_hop --scenario {scenario} ===", flush=True)
            settle()
            code, report = ussd_hop.run(hop_argv(args, scenario))
            if report is not None:
                print(report.table(), flush=True)
                reports.append(report)
            else:
                unmeasured.append(scenario)
            worst = worst or code
    for name in plugin_names():
        if wanted is None or name in wanted:
            worst = worst or run_plugin(name)
    print("\n=== summary ===")
    for report in reports:
        print(report.summary_line())
    for scenario in unmeasured:
        print(f"{scenario:<8} not measured (skipped or failed; see above)")
    return worst


if __name__ == "__main__":
    sys.exit(main())
