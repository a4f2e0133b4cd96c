"""Menu releases in the database, on SQLite and PostgreSQL: publish, history, diff, rollback, and what a
process serves from them (the current release, a call's own release, a release gone)."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask.testing import FlaskClient
from sqlalchemy import Engine, event

from gateway.app import create_app
from gateway.menus import InvalidMenus, MenuBook, load_handlers
from gateway.releases import Release, ReleaseStore, snapshot
from gateway.releases.cli import cmd_diff, cmd_history, cmd_publish, cmd_rollback
from gateway.releases.operations import make_current
from gateway.releases.store import FIRST_START, PUBLISH
from gateway.runtime import build_runtime
from gateway.storage.migrate import upgrade
from gateway.storage.release_tables import menu_release_events, menu_releases
from tests.banking_fixtures import db_engine, pg_engine, sqlite_engine
from tests.conftest import basic_settings
from tests.release_support import copy_fixture, publish_args, rename_amount_screen
from tests.ussd_support import AfricasTalkingPhone

HANDLERS = "tests.fixtures.basic.handlers"
RELEASE_TABLES = {menu_releases.name, menu_release_events.name}


@pytest.fixture
def store(db_engine: Engine) -> ReleaseStore:
    upgrade(db_engine)
    return ReleaseStore(db_engine)


def test_publish_stores_makes_current_and_records_who_and_what_changed(
    tmp_path: Path, store: ReleaseStore, capsys: pytest.CaptureFixture[str]
) -> None:
    menus, locales = copy_fixture(tmp_path, operator_files=True)
    settings = basic_settings(menus_dir=menus, locales_dir=locales)
    assert cmd_publish(publish_args(menus, locales, "ana", "first menu"), settings, store) == 0
    first = snapshot(menus, locales)
    assert store.current() == first.hash
    assert store.get(first.hash) == first

    rename_amount_screen(menus, locales)
    assert cmd_publish(publish_args(menus, locales, "budi"), settings, store) == 0
    second = snapshot(menus, locales).hash
    assert store.current() == second
    assert (
        f"release {second} is current (was {first.hash}): screens +1 -1 ~1, texts +0 -0 ~2" in capsys.readouterr().out
    )

    assert cmd_publish(publish_args(menus, locales, "budi"), settings, store) == 0  # the same files again
    assert "is current already: nothing changed" in capsys.readouterr().out
    assert cmd_history(argparse.Namespace(limit=20), settings, store) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("current ") and f"{second}  publish     by budi: screens +1 -1 ~1" in lines[0]
    assert f"{first.hash}  publish     by ana: first release (first menu)" in lines[1]


def test_diff_names_screens_and_texts_added_removed_and_changed(
    tmp_path: Path, store: ReleaseStore, capsys: pytest.CaptureFixture[str]
) -> None:
    menus, locales = copy_fixture(tmp_path, operator_files=True)
    settings = basic_settings(menus_dir=menus, locales_dir=locales)
    cmd_publish(publish_args(menus, locales), settings, store)
    first = store.current()
    assert first is not None
    rename_amount_screen(menus, locales)
    cmd_publish(publish_args(menus, locales), settings, store)
    capsys.readouterr()
    assert cmd_diff(argparse.Namespace(a=first[:6], b="current"), settings, store) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [
        "  screens added (1): loan_amount",
        "  screens removed (1): amount",
        "  screens changed (1): main",
        "  texts changed (2): id:t.ask_amount, id:t.title",
    ]
    assert cmd_diff(argparse.Namespace(a="current", b=str(menus)), settings, store) == 0
    assert capsys.readouterr().out.splitlines()[1:] == ["  no screen, text or menu setting changed"]


def test_rollback_makes_an_older_release_current_again_and_is_recorded(
    tmp_path: Path, store: ReleaseStore, capsys: pytest.CaptureFixture[str]
) -> None:
    menus, locales = copy_fixture(tmp_path, operator_files=True)
    settings = basic_settings(menus_dir=menus, locales_dir=locales)
    cmd_publish(publish_args(menus, locales), settings, store)
    first = store.current()
    assert first is not None
    rename_amount_screen(menus, locales)
    cmd_publish(publish_args(menus, locales), settings, store)
    assert (
        cmd_rollback(argparse.Namespace(version=first[:8], by="citra", note="callers confused"), settings, store) == 0
    )
    assert store.current() == first
    latest = store.history(1)[0]
    assert (latest.hash, latest.action, latest.made_by, latest.note) == (first, "rollback", "citra", "callers confused")
    assert latest.summary == "screens +1 -1 ~1, texts +0 -0 ~2"
    assert cmd_rollback(argparse.Namespace(version=first, by="citra", note=""), settings, store) == 0
    assert "current already" in capsys.readouterr().out
    assert len(store.history()) == 3


def test_publish_refuses_invalid_menus_and_stores_nothing(
    tmp_path: Path, store: ReleaseStore, capsys: pytest.CaptureFixture[str]
) -> None:
    menus, locales = copy_fixture(tmp_path, operator_files=True)
    main = menus / "ussd" / "main.yaml"
    main.write_text(main.read_text().replace("next: balance}", "next: nowhere}"))
    assert cmd_publish(publish_args(menus, locales), basic_settings(), store) == 1
    assert "main.yaml:" in capsys.readouterr().out
    assert store.current() is None and store.history() == []


def test_processes_serve_the_current_release_and_a_call_finishes_on_its_own(
    tmp_path: Path, store: ReleaseStore
) -> None:
    menus, locales = copy_fixture(tmp_path, operator_files=True)
    handlers = load_handlers(HANDLERS)
    first_process = MenuBook(menus, locales, handlers, store, watch=False)  # an empty store: the files seed it
    first = first_process.current.menu.version
    assert store.current() == first and store.history()[0].action == FIRST_START

    rename_amount_screen(menus, locales)
    cmd_publish(publish_args(menus, locales), basic_settings(menus_dir=menus, locales_dir=locales), store)
    second = store.current()
    assert second is not None and second != first
    first_process.refresh(now=1e12)  # the next pointer check
    assert first_process.current.menu.version == second

    restarted = MenuBook(tmp_path / "elsewhere", tmp_path / "nowhere", handlers, store, watch=False)
    assert restarted.current.menu.version == second  # the store, not the files, decides
    in_flight = restarted.for_version(first)  # not in this process's memory: read once from the store
    assert in_flight is not None and "amount" in in_flight.menu.screens
    assert restarted.for_version(first) is in_flight
    assert restarted.for_version("0123456789ab") is None  # gone: the dialog ends the call politely


def test_a_development_edit_becomes_a_stored_release(tmp_path: Path, store: ReleaseStore) -> None:
    menus, locales = copy_fixture(tmp_path)
    book = MenuBook(menus, locales, load_handlers(HANDLERS), store, watch=True)
    assert store.current() == book.current.menu.version
    rename_amount_screen(menus, locales)
    book.refresh(now=1e12)
    assert store.current() == book.current.menu.version == snapshot(menus, locales).hash
    assert [event.action for event in store.history()] == ["files", "files"]


def test_the_migration_builds_the_tables_the_store_describes(store: ReleaseStore) -> None:
    with store.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={
                "include_object": lambda obj, name, type_, *_: (
                    (name if type_ == "table" else obj.table.name) in RELEASE_TABLES
                )
            },
        )
        assert compare_metadata(context, menu_releases.metadata) == []


def _serve(book: MenuBook, menus: Path, locales: Path, engine: Engine) -> FlaskClient:
    runtime = build_runtime(basic_settings(menus_dir=menus, locales_dir=locales), bank=object(), db_engine=engine)
    runtime.menus, runtime.dialog = book, replace(runtime.dialog, menus=book)
    return create_app(runtime=runtime).test_client()


def test_a_hop_reads_the_database_only_for_a_release_not_in_memory(
    tmp_path: Path, store: ReleaseStore, redis_client: object
) -> None:
    menus, locales = copy_fixture(tmp_path)
    handlers = load_handlers(HANDLERS)
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    first = MenuBook(menus, locales, handlers, store, watch=False, check_interval_s=3600)
    phone = AfricasTalkingPhone(_serve(first, menus, locales, store.engine), "+6281234567890", "fast-1")
    event.listen(store.engine, "before_cursor_execute", count)
    phone.dial()
    assert phone.send("2") == "CON Jumlah pinjaman:\n0 Kembali 00 Menu"
    assert statements == []

    rename_amount_screen(menus, locales)
    event.remove(store.engine, "before_cursor_execute", count)
    make_current(store, snapshot(menus, locales), PUBLISH, "test")
    restarted = MenuBook(menus, locales, handlers, store, watch=False, check_interval_s=3600)
    phone.client = _serve(restarted, menus, locales, store.engine)
    event.listen(store.engine, "before_cursor_execute", count)
    assert phone.send("2jt") == "CON Pinjam Rp2.000.000?\n1. Ya\n0 Kembali 00 Menu"
    assert len(statements) == 1 and "menu_releases" in statements[0]  # the call's release, read once
    assert phone.send("1") == "END Selesai"
    assert len(statements) == 1


def test_a_current_release_this_code_cannot_run_is_refused(tmp_path: Path, store: ReleaseStore) -> None:
    """A release naming a handler this code lacks (stored by older code, say): a running process keeps its
    release; a starting one refuses to start rather than serve another menu than its peers."""
    menus, locales = copy_fixture(tmp_path)
    handlers = load_handlers(HANDLERS)
    running = MenuBook(menus, locales, handlers, store, watch=False)
    files = dict(snapshot(menus, locales).files)
    files["ussd/main.yaml"] = files["ussd/main.yaml"].replace("handler: t.lookup", "handler: t.retired")
    make_current(store, Release(files), PUBLISH, "old code")
    running.refresh(now=1e12)
    assert running.current.menu.version != store.current()
    with pytest.raises(InvalidMenus, match="cannot run on this code"):
        MenuBook(menus, locales, handlers, store, watch=False)
