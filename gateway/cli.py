"""The `jembatan` command: check menus, walk them in a terminal, seed demo data, run the dev stack."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path

from gateway import access_cli
from gateway.complaints import cli as complaints_cli
from gateway.config import Settings
from gateway.decisions import cli as decisions_cli
from gateway.engine.problems import Problem, errors, warnings
from gateway.menus import check_all, load_handlers
from gateway.phones import UnusableNumber, normalize_msisdn
from gateway.records import cli as records_cli
from gateway.releases import cli as release_cli
from gateway.scoring import cli as scoring_cli
from gateway.staff import cli as staff_cli
from gateway.staff.demo import console_banner
from gateway.transcripts import Transcript

DEV_BIND_ADDRESS = "127.0.0.1"
"""Where `jembatan dev` (`make run`) listens unless BIND_ADDRESS says otherwise: this machine only."""


def extra_checks() -> tuple[Callable[[Path, object], list[Problem]], ...]:
    """Checks of the other operator files in menus/: products, SMS keywords, reminder policy."""
    from gateway.operator_files import EXTRA_CHECKS

    return EXTRA_CHECKS


def cmd_menus_check(args: argparse.Namespace, settings: Settings) -> int:
    menus_dir, locales_dir = release_cli.folders(args.dir, args.locales, settings)
    problems = check_all(menus_dir, locales_dir, load_handlers(settings.handlers_module), extra_checks())
    found, advice = errors(problems), warnings(problems)
    for problem in found:
        print(problem)
    if advice:
        print(f"{len(advice)} warning(s): these work, but should be fixed:")
        for problem in advice:
            print(f"warning: {problem}")
    if found:
        print(f"{len(found)} problem(s) found", file=sys.stderr)
        return 1
    print(f"menus in {menus_dir} are valid" + (f" ({len(advice)} warning(s))" if advice else ""))
    return 0


def cmd_simulate(args: argparse.Namespace, settings: Settings) -> int:
    """Walk the menus; without REDIS_URL, the Redis `make run` would use (started, then stopped, if need be)."""
    import getpass

    import redis as redis_lib

    from gateway import devservices, simulator
    from gateway.banking.demo import DAIRY
    from gateway.runtime import build_runtime

    try:
        phone = normalize_msisdn(args.phone or DAIRY.msisdn)
    except UnusableNumber:
        print(f"not a usable phone number: {args.phone}", file=sys.stderr)
        return 2
    env = dict(os.environ)
    if settings.database_url.startswith("sqlite"):
        _prepare_dev_database(settings)
    try:
        with devservices.redis_for(env, devservices.DevOptions.from_env(env)) as found:
            print(f"Redis: {found.note}", file=sys.stderr)
            rt = build_runtime(settings.with_overrides({"redis_url": found.url}))
            rt.redis.ping()
            walker = simulator.walker_for(rt, phone, args.lang)
            transcript = Transcript(
                name=args.name or "recorded walk", phone=phone, lang=args.lang, service_code=walker.service_code
            )
            print(f"Dialling {walker.service_code} as {phone} (type 'q' to hang up)")
            warnings = simulator.walk(walker, transcript, input, getpass.getpass, print)
    except KeyboardInterrupt:
        print("\nhung up", file=sys.stderr)
        return 130
    except devservices.NoRedis as exc:
        print(f"jembatan: {exc}; or start a Redis on 127.0.0.1:6379, or set REDIS_URL", file=sys.stderr)
        return 1
    except (redis_lib.ConnectionError, redis_lib.TimeoutError) as exc:
        print(
            f"jembatan: cannot reach Redis ({exc}); start it, or unset REDIS_URL to use the embedded one",
            file=sys.stderr,
        )
        return 1
    if args.record:
        Path(args.record).write_text(transcript.to_yaml(), encoding="utf-8")
        print(f"transcript saved to {args.record} (PINs as placeholders)")
        for warning in warnings:
            print(f"note: {warning}", file=sys.stderr)
    return 0


def _prepare_dev_database(settings: Settings) -> None:
    """A developer's SQLite, as `make run` prepares it: migrated, with the demo customers when empty."""
    from sqlalchemy.engine import make_url

    from gateway.banking.demo import seed_database
    from gateway.storage.migrations import upgrade

    file = make_url(settings.database_url).database
    if file and file != ":memory:":  # a fresh clone has no instance/ folder yet
        Path(file).parent.mkdir(parents=True, exist_ok=True)
    upgrade(settings.database_url)
    seed_database(settings.database_url, pepper=settings.pepper)


def cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.storage.migrations import upgrade

    upgrade(settings.database_url)
    print("database is at the newest migration")
    return 0


def cmd_demo_seed(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.banking.demo import seed_database

    cmd_db_upgrade(args, settings)
    print(seed_database(settings.database_url, pepper=settings.pepper, access=settings.access_policy()))
    return 0


def cmd_reminders_preview(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.reminders import cli_preview

    try:
        day = date.fromisoformat(args.date)
    except ValueError:
        print(f"not a date: {args.date}; write it as YYYY-MM-DD", file=sys.stderr)
        return 2
    return cli_preview(settings.database_url, settings.menus_dir, settings.locales_dir, day)


def cmd_reminders_run(args: argparse.Namespace, settings: Settings) -> int:
    """Scan and send at a moment of your choosing: the demo's way to move the clock forward."""
    from gateway.reminders.runner import ReminderSetup, scan, send_due_now
    from gateway.runtime import connect_redis, utc_now
    from gateway.sms.wiring import build_outbox_context
    from gateway.storage.db import make_engine

    try:
        now = datetime.fromisoformat(args.now) if args.now else utc_now()
    except ValueError:
        print(f"not a moment: {args.now}; write it like 2026-11-28T08:30+07:00", file=sys.stderr)
        return 2
    if now.tzinfo is None:
        print("give the moment a time zone, e.g. +07:00 (WIB), +08:00 (WITA), +09:00 (WIT)", file=sys.stderr)
        return 2
    engine = make_engine(settings.database_url)
    setup = ReminderSetup.load(engine, settings.menus_dir, settings.locales_dir)
    outbox = build_outbox_context(settings, connect_redis(settings.redis_url), engine, lambda: now)
    print(f"scan at {now.isoformat()}: {scan(setup, now)}")
    print(f"sent: {dict(send_due_now(setup, outbox, now))}")
    return 0


def cmd_data_purge(args: argparse.Namespace, settings: Settings) -> int:
    """Replace message bodies older than the retention period (and expired one-time codes)."""
    from datetime import timedelta

    from sqlalchemy.orm import sessionmaker

    from gateway.runtime import utc_now
    from gateway.sms.retention import purge_messages
    from gateway.storage.db import make_engine

    days = settings.message_retention_days if args.days is None else args.days
    if days < 0:
        print("--days must be 0 or more", file=sys.stderr)
        return 2
    done = purge_messages(sessionmaker(bind=make_engine(settings.database_url)), utc_now(), timedelta(days=days))
    print(f"purged message bodies older than {days} days: {done}")
    return 0


def cmd_dev(args: argparse.Namespace, settings: Settings) -> int:
    """Migrate, seed when empty, then run the Procfile's web, worker and scheduler."""
    cmd_demo_seed(args, settings)
    bin_dir = Path(sys.executable).parent  # the venv's: gunicorn, python and honcho for the Procfile
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    env["BIND_ADDRESS"] = env.get("BIND_ADDRESS") or DEV_BIND_ADDRESS  # the Procfile alone binds all interfaces
    print(console_banner(f"http://{env['BIND_ADDRESS']}:{env.get('PORT') or 5000}/console/", settings.production))
    procfile = str(Path(__file__).resolve().parent.parent / "Procfile")
    os.execve(str(bin_dir / "honcho"), ["honcho", "start", "-f", procfile], env)
    return 0  # pragma: no cover


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="jembatan", description=__doc__)
    sub = root.add_subparsers(dest="command", required=True)
    menus = sub.add_parser("menus", help="operator menus").add_subparsers(dest="menus_command", required=True)
    check = menus.add_parser("check", help="validate menus, locales and the other operator files")
    check.add_argument("dir", nargs="?", help="menus folder (default: the configured one)")
    check.add_argument("--locales", help="locales folder (default: beside the menus folder)")
    check.set_defaults(func=cmd_menus_check)
    release_cli.add_commands(menus)  # publish, history, diff, rollback
    simulate = sub.add_parser("simulate", help="walk the menus in this terminal through the real engine")
    simulate.add_argument("--phone", help="the caller (default: the demo customer Ibu Euis Rahmawati)")
    simulate.add_argument("--lang", choices=["id", "en"])
    simulate.add_argument("--record", help="save the walk as a golden transcript (YAML)")
    simulate.add_argument("--name", help="the transcript's name")
    simulate.set_defaults(func=cmd_simulate)
    db = sub.add_parser("db", help="database").add_subparsers(dest="db_command", required=True)
    db.add_parser("upgrade", help="apply the migrations").set_defaults(func=cmd_db_upgrade)
    demo = sub.add_parser("demo", help="demo data").add_subparsers(dest="demo_command", required=True)
    demo.add_parser("seed", help="seed the demo customers when the database is empty").set_defaults(func=cmd_demo_seed)
    access_cli.add_commands(sub)  # customers activate|change-number, pin unlock
    records_cli.add_commands(sub)  # records import, records key add|revoke
    scoring_cli.add_commands(sub)  # scoring fit, scoring report
    staff_cli.add_commands(sub)  # staff add|disable|api-key|list
    complaints_cli.add_commands(sub)  # complaints list|show|answer|extend
    decisions_cli.add_commands(sub)  # applications list|show|approve|decline|disburse|rescore|reasons
    reminders = sub.add_parser("reminders", help="repayment reminders").add_subparsers(
        dest="rem_command", required=True
    )
    preview = reminders.add_parser("preview", help="what would be sent on a day, to whom (masked), when")
    preview.add_argument("--date", required=True, help="YYYY-MM-DD")
    preview.set_defaults(func=cmd_reminders_preview)
    run = reminders.add_parser("run", help="scan and send the reminders due at a moment (default: now)")
    run.add_argument("--now", help="e.g. 2026-11-28T08:30+07:00: act as if it were then")
    run.set_defaults(func=cmd_reminders_run)
    sub.add_parser("dev", help="migrate, seed and run web, worker and scheduler").set_defaults(func=cmd_dev)
    data = sub.add_parser("data", help="stored customer data").add_subparsers(dest="data_command", required=True)
    purge = data.add_parser("purge", help="remove SMS bodies older than MESSAGE_RETENTION_DAYS (default 30)")
    purge.add_argument("--days", type=int, help="retention in days (default: MESSAGE_RETENTION_DAYS)")
    purge.set_defaults(func=cmd_data_purge)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from gateway import logs

    logs.configure()
    return int(args.func(args, Settings.from_env()))


if __name__ == "__main__":
    sys.exit(main())
