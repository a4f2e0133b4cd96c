"""check_sms: the keyword book and its reply texts, as `jembatan menus check` reports them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gateway.i18n import Catalog, load_catalog
from gateway.operator_files import EXTRA_CHECKS
from gateway.sms.keyword_checks import check_sms
from gateway.sms.keywords import read_keywords
from gateway.sms.matching import Match, NoMatch, match

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    menus, locales = tmp_path / "menus", tmp_path / "locales"
    menus.mkdir()
    shutil.copy(ROOT / "menus" / "sms.yaml", menus / "sms.yaml")
    shutil.copytree(ROOT / "locales", locales)
    return menus, locales


def catalog(locales: Path) -> Catalog:
    loaded, problems = load_catalog(locales)
    assert problems == []
    return loaded


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_shipped_files_pass_and_the_check_is_hooked_in(folders: tuple[Path, Path]) -> None:
    menus, locales = folders
    assert check_sms(menus, catalog(locales)) == []
    assert check_sms in EXTRA_CHECKS


def test_no_sms_yaml_means_no_sms(tmp_path: Path) -> None:
    assert check_sms(tmp_path, None) == []


def test_a_long_reply_is_refused_unless_multi_segment(folders: tuple[Path, Path]) -> None:
    menus, locales = folders
    long_text = "Saldo rekening {account} per {date}: {balance}. " + "Terima kasih telah menabung. " * 4
    edit(locales / "id.sms.yaml", 'ok: "Saldo rekening {account} per {date}: {balance}."', f'ok: "{long_text}"')
    (problem,) = map(str, check_sms(menus, catalog(locales)))
    assert "locales/id.sms.yaml:" in problem
    assert "'sms.saldo.ok' takes" in problem and "multi_segment: true" in problem
    balance = "    handler: savings.balance\n"
    edit(menus / "sms.yaml", balance, balance + "    multi_segment: true\n")
    assert check_sms(menus, catalog(locales)) == []


def test_non_gsm7_text_missing_texts_and_unknown_placeholders(folders: tuple[Path, Path]) -> None:
    menus, locales = folders
    edit(locales / "en.sms.yaml", 'none: "You have no active loan."', 'none: "You have no active loan — sorry."')
    applied = '    applied: "Your loan application is being processed. Our officer will contact you."\n'
    edit(locales / "en.sms.yaml", applied, "")
    edit(locales / "id.sms.yaml", "Ketik BAYAR <jumlah>.", "Ketik BAYAR {saldo_mu}.")
    problems = [str(problem) for problem in check_sms(menus, catalog(locales))]
    assert any("outside GSM-7" in p and "'sms.pinjaman.none'" in p for p in problems), problems
    assert any("sms.yaml:" in p and "'sms.pinjaman.applied' is missing in 'en'" in p for p in problems), problems
    assert any("['saldo_mu']" in p for p in problems), problems


def test_an_unknown_handler_is_reported(folders: tuple[Path, Path]) -> None:
    menus, locales = folders
    edit(menus / "sms.yaml", "handler: loans.schedule", "handler: loans.timetable")
    assert any("handler 'loans.timetable' is not registered" in str(p) for p in check_sms(menus, catalog(locales)))


def test_the_handlers_come_from_the_configured_registry(
    folders: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    menus, locales = folders
    monkeypatch.setenv("HANDLERS_MODULE", "tests.fixtures.basic.handlers")
    problems = [str(p) for p in check_sms(menus, catalog(locales))]
    assert any("handler 'savings.balance' is not registered" in p for p in problems), problems
    edit(menus / "sms.yaml", "handler: savings.balance", "handler: t.balance")
    assert not any("'t.balance'" in str(p) for p in check_sms(menus, catalog(locales)))


@pytest.mark.parametrize("typed", ["STOK", "STPO", "BERHENT", "BERHENTII", "UNSUBSCRIBEE"])
def test_opt_out_words_forgive_no_typo(typed: str) -> None:
    book = read_keywords((ROOT / "menus" / "sms.yaml").read_text(encoding="utf-8"))
    assert isinstance(match(book, typed), NoMatch)


def test_opt_out_is_exact_even_if_the_yaml_forgets_to_say_so() -> None:
    text = (ROOT / "menus" / "sms.yaml").read_text(encoding="utf-8").replace("    exact: true\n", "")
    book = read_keywords(text)
    assert book.by_name("berhenti").exact
    assert isinstance(match(book, "STOK"), NoMatch)
    found = match(book, "stop")
    assert isinstance(found, Match) and found.keyword.name == "berhenti"
