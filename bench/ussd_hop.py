"""USSD hop against a bare Flask+Redis baseline, both under gunicorn with the same settings.

    python bench/ussd_hop.py [--scenario menu|balance] [--duration 15] [--connections 16] [--warmup 3]
                             [--walk ",2,2*2"] [--phone +62812...] [--pin 517394] [--final con|end|any]
                             [--rounds 3] [--env KEY=VALUE ...] [--loadgen auto|wrk|python] [--no-seed]

Scenarios:
- `menu`: walk `",2,2*2"`: an unknown caller dials (the customer lookup reads the database), opens help
  and reads the opening hours (END); a synthetic phone per session.
- `balance`: walk `",1,1*1,1*1*<PIN>,1*1*<PIN>*2"`: a registered customer opens savings, asks for the
  balance, types the PIN (argon2 check and the balance read), then exits (END). Each connection is its
  own bench customer (created once in the database by `bench/bench_customers.py`), so no two walks share
  a phone; `--phone` and `--pin` override.

Every request is a full Africa's Talking hop (`POST /ussd/africastalking`, form fields sessionId,
serviceCode `*123#`, phoneNumber, networkCode, text); each walk dials a session id never used before (see
`bench/workload.py`). The bare app gets the same bodies on `POST /ussd/bare`. Before the real app starts,
`jembatan demo seed` migrates and seeds the database; if it fails the balance scenario is skipped. Exit
code: 0 whether or not the targets hold (this reports, it does not judge); 3 when a server fails to start,
4 when the load generator fails.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make `bench` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import redis

from bench.bench_customers import BENCH_PIN, ensure_bench_customers
from bench.cpu_time import CpuSample, group_cpu_s, local_redis_pid, process_cpu_s
from bench.figures import LoadResult
from bench.loadgen import Engine, run_load
from bench.report import HopReport
from bench.servers import PROJECT_ROOT, ServerFailed, running, venv_tool
from bench.workload import Expect, Workload, expectations
from gateway import redis_keys
from gateway.banking.ledger import SqlBank
from gateway.config import Settings
from gateway.storage.db import make_engine

__all__ = ["EXIT_LOAD_FAILED", "EXIT_SERVER_FAILED", "SCENARIOS", "main", "run"]

BENCH_PHONES = "bench"  # replaced by one registered bench customer per connection
REAL_APP = "gateway.app:create_app()"
BARE_APP = "bench.bare_app:create_bare_app()"
HOP_PATH = "/ussd/africastalking"
BARE_PATH = "/ussd/bare"
DEMO_PIN = BENCH_PIN
PIN_MARK = "<PIN>"
DEFAULT_DURATION_S = 15.0
DEFAULT_WARMUP_S = 3.0
DEFAULT_CONNECTIONS = 16
DEFAULT_ROUNDS = 6
SEED_TIMEOUT_S = 180
EXIT_SERVER_FAILED = 3
EXIT_LOAD_FAILED = 4


BALANCE_READS = 150  # Africa's Talking's text grows by 4 characters a read; it stays under its 1,000 limit


def balance_read_walk(reads: int) -> list[str]:
    steps = ["", "1", "1*1", f"1*1*{PIN_MARK}"]
    text = steps[-1]
    for _ in range(reads):
        steps += [f"{text}*0", f"{text}*0*1"]
        text += "*0*1"
    return [*steps, f"{text}*2"]


@dataclass(frozen=True)
class Scenario:
    walk: str
    phones: str  # comma list; "" for a synthetic phone per session
    final: Expect
    needs_bank: bool


SCENARIOS = {
    # An unknown caller: the guest menu, help, opening hours (the dial reads the customer table).
    "menu": Scenario(walk=",2,2*2", phones="", final=Expect.END, needs_bank=False),
    # A registered caller: savings, balance, PIN, the balance (a database read), exit.
    "balance": Scenario(
        walk=f",1,1*1,1*1*{PIN_MARK},1*1*{PIN_MARK}*2", phones=BENCH_PHONES, final=Expect.END, needs_bank=True
    ),
    # The PIN once, then the balance read again and again in one session (back, balance): a balance-check
    # hop with its database read, the argon2 PIN check spread over ~300 hops instead of 5.
    "balance_read": Scenario(
        walk=",".join(balance_read_walk(BALANCE_READS)), phones=BENCH_PHONES, final=Expect.END, needs_bank=True
    ),
}


def parser() -> argparse.ArgumentParser:
    cli = argparse.ArgumentParser(description="USSD hop vs bare Flask+Redis", prog="ussd_hop")
    cli.add_argument("--scenario", choices=sorted(SCENARIOS), default="menu")
    cli.add_argument("--walk", help="the texts of one session, comma-separated ('' is the dial)")
    cli.add_argument("--phone", help="phone, or a comma list of phones (default: per scenario)")
    cli.add_argument("--pin", default=DEMO_PIN, help=f"replaces {PIN_MARK} in the walk")
    cli.add_argument("--final", choices=[e.value.lower() for e in Expect], help="what the last reply starts with")
    cli.add_argument("--duration", type=float, default=DEFAULT_DURATION_S, help="measured seconds per app")
    cli.add_argument("--warmup", type=float, default=DEFAULT_WARMUP_S, help="warm-up seconds per app (0: none)")
    cli.add_argument("--connections", type=int, default=DEFAULT_CONNECTIONS)
    cli.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS, help="turns per app, bare and hop alternating")
    cli.add_argument("--env", action="append", default=[], metavar="KEY=VALUE", help="extra env for the apps")
    cli.add_argument("--loadgen", choices=[e.value for e in Engine], default=Engine.AUTO.value)
    cli.add_argument("--no-seed", action="store_true", help="skip 'jembatan demo seed'")
    return cli


def app_env(extra: list[str]) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(PROJECT_ROOT), env.get("PYTHONPATH", "")) if p)
    for item in extra:
        key, sep, value = item.partition("=")
        if not sep or not key:
            raise SystemExit(f"--env wants KEY=VALUE, not {item!r}")
        env[key] = value
    return env


def seed_demo(env: dict[str, str]) -> str | None:
    """None when `jembatan demo seed` worked, else why it did not."""
    try:
        done = subprocess.run(
            [*venv_tool("jembatan"), "demo", "seed"],
            env=env,
            cwd=PROJECT_ROOT,
            capture_output=True,
            text=True,
            timeout=SEED_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    if done.returncode == 0:
        return None
    lines = (done.stderr or done.stdout).strip().splitlines()
    return lines[-1] if lines else f"exit {done.returncode}"


def unlock_demo(env: dict[str, str], phones: tuple[str, ...]) -> None:
    """A walk that went astray may have typed a PIN where it should not; lift any lock-out it caused.

    `SqlBank.unlock` directly, as `bench/bench_customers.py` does: the branch's `jembatan pin unlock` now
    issues an activation code (a new PIN) instead of lifting the lock silently."""
    engine = make_engine(env.get("DATABASE_URL") or os.environ.get("DATABASE_URL", ""))
    try:
        bank = SqlBank(engine, pepper=Settings.from_env().pepper)
        unlocked = [phone for phone in phones if bank.unlock(phone)]
    finally:
        engine.dispose()
    print(f"bench: unlocked {len(unlocked)} of {len(phones)} bench customer(s) after unexpected replies")


def build_workload(args: argparse.Namespace) -> Workload:
    scenario = SCENARIOS[args.scenario]
    walk_text = args.walk if args.walk is not None else scenario.walk
    phone_text = args.phone if args.phone is not None else scenario.phones
    walk = tuple(text.replace(PIN_MARK, args.pin) for text in walk_text.split(","))
    phones = tuple(phone.strip() for phone in phone_text.split(",") if phone.strip() and phone != BENCH_PHONES)
    final = Expect(args.final.upper()) if args.final else scenario.final
    return Workload(path=HOP_PATH, walk=walk, expect=expectations(len(walk), final), phones=phones)


def warn_shared_phones(workload: Workload, connections: int) -> None:
    if workload.phones and len(workload.phones) < connections:
        print(
            f"bench: {connections} connections share {len(workload.phones)} phone(s): a new session may be offered"
            " to resume another one in flight; the 'unexpected' column counts such replies"
        )


def forget_dropped_walks(env: dict[str, str], phones: tuple[str, ...]) -> None:
    """The warm-up stops walks mid-way; without this, each phone's next dial is offered to resume one."""
    if not phones:
        return
    client = redis.Redis.from_url(env.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    try:
        client.delete(*(redis_keys.resume(phone) for phone in phones))
    finally:
        client.close()


def merged(rounds: list[LoadResult]) -> LoadResult:
    """Several rounds as one: requests and time summed, p50/p99 the median round's (percentiles do not add)."""

    def middle(values: list[float]) -> float:
        return sorted(values)[len(values) // 2]

    return LoadResult(
        rounds[0].tool,
        sum(r.requests for r in rounds),
        sum(r.duration_s for r in rounds),
        middle([r.p50_ms for r in rounds]),
        middle([r.p99_ms for r in rounds]),
        sum(r.errors for r in rounds),
        sum(r.unexpected for r in rounds),
    )


def measure_both(
    args: argparse.Namespace, env: dict[str, str], workload: Workload
) -> tuple[LoadResult, LoadResult, tuple[float, ...], dict[str, CpuSample]]:
    """Start both apps, warm both up, then measure them in turns (bare, hop, hop, bare, ...), `--rounds` turns
    each of `--duration / --rounds` seconds: a neighbour's load burst then hits both, not one. Returns both
    apps' merged figures, the hop/bare ratio of each round and each app's CPU time (its processes, and Redis
    when it runs here). Raises ServerFailed."""
    engine = Engine(args.loadgen)
    bare_walk = workload.on_path(BARE_PATH, expectations(len(workload.walk), Expect.CON))
    rounds = max(1, args.rounds)
    results: dict[str, list[LoadResult]] = {"bare": [], "hop": []}
    redis_pid = local_redis_pid(env.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    with (
        running(f"{args.scenario}-bare", BARE_APP, env, probe="tcp") as bare,
        running(f"{args.scenario}-hop", REAL_APP, env, probe="healthz") as hop,
    ):
        pairs = (("bare", bare, bare_walk), ("hop", hop, workload))
        cpu = {"bare": CpuSample(), "hop": CpuSample()}
        if args.warmup > 0:
            for _, server, load in pairs:
                run_load(server.port, load.fresh(), args.warmup, args.connections, engine)
        for turn in range(rounds):
            for name, server, load in pairs if turn % 2 == 0 else pairs[::-1]:
                forget_dropped_walks(env, workload.phones)
                app_before, redis_before = group_cpu_s(server.process.pid), _redis_cpu_s(redis_pid)
                results[name].append(
                    run_load(server.port, load.fresh(), args.duration / rounds, args.connections, engine)
                )
                cpu[name].app_s += group_cpu_s(server.process.pid) - app_before
                cpu[name].redis_s += _redis_cpu_s(redis_pid) - redis_before
                cpu[name].requests += results[name][-1].requests
                if not results[name][-1].clean:
                    print(f"bench: {server.name} had errors or unexpected replies; its log: {server.log_path}")
    ratios = tuple(
        h.requests_per_s / b.requests_per_s if b.requests_per_s else 0.0
        for b, h in zip(results["bare"], results["hop"], strict=True)
    )
    return merged(results["bare"]), merged(results["hop"]), ratios, cpu


def _redis_cpu_s(pid: int | None) -> float:
    return process_cpu_s(pid) if pid is not None else 0.0


def run(argv: list[str] | None = None) -> tuple[int, HopReport | None]:
    """The exit code and, when both apps were measured, the report."""
    args = parser().parse_args(argv)
    scenario = SCENARIOS[args.scenario]
    workload = build_workload(args)
    env = app_env(args.env)
    seed_problem = None if args.no_seed else seed_demo(env)
    if seed_problem:
        print(f"bench: 'jembatan demo seed' failed (is banking ready yet?): {seed_problem}")
        if scenario.needs_bank:
            print(f"bench: skipping the '{args.scenario}' scenario, which needs the demo customer")
            return 0, None
    if scenario.phones == BENCH_PHONES and args.phone is None:
        database_url = env.get("DATABASE_URL") or os.environ.get("DATABASE_URL", "")
        workload = replace(workload, phones=ensure_bench_customers(database_url, args.connections))
    warn_shared_phones(workload, args.connections)
    load_before = os.getloadavg()[0]
    try:
        bare, hop, ratios, cpu = measure_both(args, env, workload)
    except ServerFailed as failed:
        sys.stdout.flush()
        print(f"bench: a server failed to start: {failed}", file=sys.stderr)
        return EXIT_SERVER_FAILED, None
    except (RuntimeError, OSError, ValueError, subprocess.TimeoutExpired) as failed:
        sys.stdout.flush()
        print(f"bench: the load generator failed: {failed}", file=sys.stderr)
        return EXIT_LOAD_FAILED, None
    walk_shown = args.walk if args.walk is not None else scenario.walk
    if scenario.needs_bank and not args.no_seed and hop.unexpected and workload.phones:
        unlock_demo(env, workload.phones)
    report = HopReport(args.scenario, walk_shown, args.connections, args.duration, bare, hop, load_before, ratios)
    return 0, replace(report, cpu_us={name: sample.per_request_us() for name, sample in cpu.items()})


def main(argv: list[str] | None = None) -> int:
    code, report = run(argv)
    if report is not None:
        print(report.table(), flush=True)
    return code


if __name__ == "__main__":
    sys.exit(main())
