"""`jembatan records import FILE` and `jembatan records key add|revoke SOURCE`."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gateway.config import Settings

MAX_BAD_ROWS_SHOWN = 200


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy.exc import DBAPIError

    from gateway.records.files import UnreadableFile, read_rows
    from gateway.records.parse import latest_today
    from gateway.records.store import import_rows
    from gateway.storage.db import make_engine

    path = Path(args.file)
    try:
        rows = read_rows(path)
    except OSError as exc:
        print(f"cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 2
    except UnreadableFile as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 2
    engine = make_engine(settings.database_url)
    now = datetime.now(UTC)
    try:
        report = import_rows(engine, rows, args.source, now, latest_today(now))
    except DBAPIError as exc:
        cause = type(exc.orig).__name__
        print(f"the database failed ({cause}); is it migrated? (jembatan db upgrade)", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    for bad in report.bad[:MAX_BAD_ROWS_SHOWN]:
        print(f"{path}:{bad.line}: {bad.reason}", file=sys.stderr)
    if len(report.bad) > MAX_BAD_ROWS_SHOWN:
        print(f"... and {len(report.bad) - MAX_BAD_ROWS_SHOWN} more bad row(s)", file=sys.stderr)
    print(f"{path}: {report.summary()}")
    return 1 if report.bad else 0


def cmd_key_add(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.records.keys import SourceExists, issue_key
    from gateway.storage.db import make_engine

    engine = make_engine(settings.database_url)
    try:
        key = issue_key(engine, args.source, datetime.now(UTC), replace=args.replace)
    except (SourceExists, ValueError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(f"key for source {args.source} (shown only now; send it as 'Authorization: Bearer <key>' to POST /records):")
    print(key)
    return 0


def cmd_key_revoke(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.records.keys import revoke
    from gateway.storage.db import make_engine

    engine = make_engine(settings.database_url)
    try:
        done = revoke(engine, args.source, datetime.now(UTC))
    finally:
        engine.dispose()
    print(f"source {args.source}: key revoked" if done else f"source {args.source} has no active key")
    return 0 if done else 1


def add_commands(sub: Any) -> None:
    records = sub.add_parser("records", help="value-chain records (milk deliveries, seaweed and patchouli sales)")
    commands = records.add_subparsers(dest="records_command", required=True)
    imp = commands.add_parser("import", help="import a CSV or JSON file of records; bad rows are listed by line")
    imp.add_argument("file", help="a .csv (with a header), .json (an array) or .jsonl file")
    imp.add_argument("--source", default="file", help="who sent the file (default: file)")
    imp.set_defaults(func=cmd_import)
    key = commands.add_parser("key", help="API keys of record sources").add_subparsers(
        dest="key_command", required=True
    )
    add = key.add_parser("add", help="issue a key for a source (a cooperative or buyer) to POST /records")
    add.add_argument("source")
    add.add_argument("--replace", action="store_true", help="retire the source's old key and issue a new one")
    add.set_defaults(func=cmd_key_add)
    revoke = key.add_parser("revoke", help="retire a source's key")
    revoke.add_argument("source")
    revoke.set_defaults(func=cmd_key_revoke)
