"""`jembatan menus publish|history|diff|rollback`: releases in the database, as operators handle them."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path
from typing import Any

from gateway.config import Settings
from gateway.releases.content import Release, snapshot
from gateway.releases.diff import diff
from gateway.releases.operations import UnknownRelease, find, make_current
from gateway.releases.store import PUBLISH, ROLLBACK, ReleaseStore, StoreError

HISTORY_LIMIT = 20


def folders(menus: str | None, locales: str | None, settings: Settings) -> tuple[Path, Path]:
    """The menus folder given (or configured), and its locales: given, beside a given menus folder, or configured."""
    menus_dir = Path(menus) if menus else settings.menus_dir
    locales_dir = Path(locales) if locales else (menus_dir.parent / "locales" if menus else settings.locales_dir)
    return menus_dir, locales_dir


def operator(given: str | None) -> str:
    if given:
        return given
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in this environment (a container)
        return "unknown"


def _store(settings: Settings) -> ReleaseStore:
    """The store at DATABASE_URL (tests hand the commands a store of their own instead)."""
    from gateway.storage.db import make_engine

    return ReleaseStore(make_engine(settings.database_url))


def cmd_publish(args: argparse.Namespace, settings: Settings, store: ReleaseStore | None = None) -> int:
    from gateway.engine.problems import errors
    from gateway.menus import collect, load_handlers
    from gateway.operator_files import EXTRA_CHECKS

    menus_dir, locales_dir = folders(args.dir, args.locales, settings)
    loaded, problems = collect(menus_dir, locales_dir, load_handlers(settings.handlers_module), EXTRA_CHECKS)
    if loaded is None:
        print("\n".join(str(problem) for problem in errors(problems)))
        print(f"{len(errors(problems))} problem(s) found: nothing published", file=sys.stderr)
        return 1
    made = make_current(store or _store(settings), loaded.release, PUBLISH, operator(args.by), args.note or "")
    if not made.changed:
        print(f"release {made.release_hash} is current already: nothing changed")
        return 0
    print(f"release {made.release_hash} is current (was {made.previous or 'none'}): {made.summary}")
    print("running processes take it up for new calls within seconds; calls in flight finish on theirs")
    return 0


def cmd_history(args: argparse.Namespace, settings: Settings, store: ReleaseStore | None = None) -> int:
    events = (store or _store(settings)).history(args.limit)
    if not events:
        print("no release published yet: jembatan menus publish")
    for index, event in enumerate(events):
        mark = "current" if index == 0 else ""
        note = f" ({event.note})" if event.note else ""
        print(
            f"{mark:<8}{event.made_at:%Y-%m-%d %H:%M:%S} UTC  {event.hash}  {event.action:<11} "
            f"by {event.made_by}: {event.summary}{note}"
        )
    return 0


def _release(store: ReleaseStore, name: str, settings: Settings) -> tuple[str, Release]:
    """A stored release (hash, prefix or `current`), or the files in a menus folder as they would be published."""
    if Path(name).is_dir():
        return name, snapshot(*folders(name, None, settings))
    found = find(store, name)
    release = store.get(found)
    if release is None:  # resolved a moment ago; releases are never deleted
        raise UnknownRelease(f"release {found} is not stored")
    return found, release


def cmd_diff(args: argparse.Namespace, settings: Settings, store: ReleaseStore | None = None) -> int:
    store = store or _store(settings)
    (name_a, a), (name_b, b) = _release(store, args.a, settings), _release(store, args.b, settings)
    print(f"{_label(name_a, a)} -> {_label(name_b, b)}")
    for line in diff(a, b).lines():
        print(f"  {line}")
    return 0


def _label(name: str, release: Release) -> str:
    return name if name == release.hash else f"{name} ({release.hash})"


def cmd_rollback(args: argparse.Namespace, settings: Settings, store: ReleaseStore | None = None) -> int:
    from gateway.menus import build, load_handlers

    store = store or _store(settings)
    found, release = _release(store, args.version, settings)
    loaded, problems = build(release, load_handlers(settings.handlers_module))
    if loaded is None:
        print("\n".join(problems))
        print(f"release {found} cannot run on this code: nothing changed", file=sys.stderr)
        return 1
    made = make_current(store, release, ROLLBACK, operator(args.by), args.note or "")
    if not made.changed:
        print(f"release {found} is current already: nothing changed")
        return 0
    print(f"release {found} is current again (was {made.previous}): {made.summary}")
    return 0


def guarded(command: Any) -> Any:
    """A missing release or an unusable store is a one-line message and exit 1, not a traceback."""

    def run(args: argparse.Namespace, settings: Settings) -> int:
        try:
            return int(command(args, settings))
        except UnknownRelease as exc:
            print(f"jembatan: {exc.args[0]}", file=sys.stderr)
        except StoreError as exc:
            print(
                f"jembatan: the release store cannot be used ({exc}); is DATABASE_URL right, and the database "
                "migrated (jembatan db upgrade)?",
                file=sys.stderr,
            )
        return 1

    return run


def add_commands(menus: Any) -> None:
    """The release commands under `jembatan menus` (`menus` is its subparsers object)."""
    publish = menus.add_parser("publish", help="check, store and make current the menus and texts in a folder")
    publish.add_argument("dir", nargs="?", help="menus folder (default: the configured one)")
    publish.add_argument("--locales", help="locales folder (default: beside the menus folder)")
    publish.add_argument("--by", help="who publishes (default: the login name)")
    publish.add_argument("--note", help="why, for the history")
    publish.set_defaults(func=guarded(cmd_publish))
    history = menus.add_parser("history", help="which release was made current, when, by whom, what changed")
    history.add_argument("--limit", type=int, default=HISTORY_LIMIT)
    history.set_defaults(func=guarded(cmd_history))
    compare = menus.add_parser("diff", help="screens and texts added, removed or changed from release A to B")
    compare.add_argument("a", help="a release hash (4+ characters), 'current', or a menus folder")
    compare.add_argument("b", help="a release hash (4+ characters), 'current', or a menus folder")
    compare.set_defaults(func=guarded(cmd_diff))
    rollback = menus.add_parser("rollback", help="make an older release current again")
    rollback.add_argument("version", help="the release hash (4+ characters)")
    rollback.add_argument("--by", help="who rolls back (default: the login name)")
    rollback.add_argument("--note", help="why, for the history")
    rollback.set_defaults(func=guarded(cmd_rollback))
