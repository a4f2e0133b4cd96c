"""One path from a handler name to the bank: SMS keywords name handlers.REGISTRY as USSD screens do."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import redis

from gateway.banking.ledger import SqlBank
from gateway.cli import main as jembatan
from gateway.config import Settings
from gateway.menus import load_handlers
from gateway.runtime import build_runtime
from gateway.sms.commands import SYSTEM_COMMANDS, SYSTEM_NAMESPACE
from gateway.sms.keywords import load_keywords
from gateway.storage.db import make_engine
from gateway.storage.migrate import upgrade
from handlers import REGISTRY
from tests.banking_fixtures import FAST_HASHER
from tests.conftest import redis_test_url

ROOT = Path(__file__).resolve().parents[2]


def ussd_handler_names() -> set[str]:
    files = (ROOT / "menus" / "ussd").glob("*.yaml")
    lines = (line.strip() for path in files for line in path.read_text(encoding="utf-8").splitlines())
    return {line.split(":", 1)[1].strip() for line in lines if line.startswith("handler:")}


def test_both_channels_resolve_a_name_to_the_same_function(redis_client: redis.Redis, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bank.db'}"
    engine = make_engine(url)
    upgrade(engine)
    settings = Settings(redis_url=redis_test_url(), database_url=url, secret_key="test-secret")
    runtime = build_runtime(settings, bank=SqlBank(engine, hasher=FAST_HASHER), db_engine=engine)
    assert runtime.sms is not None
    sms_handlers = runtime.sms.inbox.dispatcher.handlers
    banking = {k.handler for k in runtime.sms.book.keywords if k.handler not in SYSTEM_COMMANDS}
    shared = banking & ussd_handler_names()
    assert {"savings.balance", "savings.statement", "loans.mine", "repay.pay"} <= shared
    for name in banking:
        assert runtime.dialog.handlers[name] is sms_handlers[name] is REGISTRY[name], name


def test_system_commands_name_no_bank_action() -> None:
    assert SYSTEM_COMMANDS and all(name.startswith(SYSTEM_NAMESPACE) for name in SYSTEM_COMMANDS)
    assert not any(name.startswith(SYSTEM_NAMESPACE) for name in REGISTRY)
    book = load_keywords(ROOT / "menus" / "sms.yaml")
    system = {k.name for k in book.keywords if k.handler in SYSTEM_COMMANDS}
    assert system == {"bantuan", "bahasa", "berhenti", "mulai"}
    assert all(k.handler in REGISTRY for k in book.keywords if k.name not in system)


@pytest.mark.parametrize("unknown", ["loans.timetable", "sms.balance"])
def test_menus_check_reports_an_sms_handler_unknown_to_the_registry(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], unknown: str
) -> None:
    menus, locales = tmp_path / "menus", tmp_path / "locales"
    shutil.copytree(ROOT / "menus", menus)
    shutil.copytree(ROOT / "locales", locales)
    path = menus / "sms.yaml"
    text = path.read_text(encoding="utf-8")
    assert text.count("handler: loans.schedule\n") == 1
    path.write_text(text.replace("handler: loans.schedule\n", f"handler: {unknown}\n"), encoding="utf-8")
    line = 1 + text.splitlines().index("  jadwal:")
    assert jembatan(["menus", "check", str(menus), "--locales", str(locales)]) != 0
    out = capsys.readouterr().out
    assert f"sms.yaml:{line}: handler '{unknown}' is not registered" in out


def test_the_shipped_files_pass_the_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert jembatan(["menus", "check", str(ROOT / "menus"), "--locales", str(ROOT / "locales")]) == 0
    assert set(load_handlers("handlers")) == set(REGISTRY)
