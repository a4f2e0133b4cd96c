"""Every folder in tests/broken_menus holds a menu with one mistake and the error it must produce."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gateway.engine.checks import check_menu
from gateway.engine.reader import read_menu
from gateway.i18n import load_catalog
from tests.conftest import FIXTURES, ROOT
from tests.fixtures.basic.handlers import REGISTRY

BROKEN = ROOT / "tests" / "broken_menus"
CASES = sorted(p.name for p in BROKEN.iterdir() if p.is_dir())
LOCALES = FIXTURES / "basic" / "locales"


def problems_of(menu_text: str, locales: Path = LOCALES) -> list[str]:
    catalog, catalog_problems = load_catalog(locales)
    menu, problems = read_menu([("main.yaml", menu_text)])
    if menu is not None:
        problems = check_menu(menu, catalog, REGISTRY)
    return catalog_problems + [str(p) for p in problems]


@pytest.mark.parametrize("case", CASES)
def test_broken_menu_reports_its_error_with_file_and_line(case: str) -> None:
    expected = (BROKEN / case / "expected.txt").read_text().strip()
    problems = problems_of((BROKEN / case / "menu.yaml").read_text())
    assert any(line.startswith(expected) for line in problems), problems


def test_the_basic_fixture_menu_is_valid() -> None:
    assert problems_of((FIXTURES / "basic" / "menus" / "ussd" / "main.yaml").read_text()) == []


def locales_with(tmp_path: Path, lang: str, extra: str) -> Path:
    target = tmp_path / "locales"
    target.mkdir()
    for path in LOCALES.iterdir():
        shutil.copy(path.resolve(), target / path.name)
    part = target / f"{lang}.test.yaml"
    part.write_text(part.read_text() + extra)
    return target


MENU = (FIXTURES / "basic" / "menus" / "ussd" / "main.yaml").read_text()


def test_a_placeholder_that_a_locale_lacks_is_reported(tmp_path: Path) -> None:
    locales = locales_with(tmp_path, "en", "")
    text = (locales / "en.test.yaml").read_text().replace('"Your balance {balance}"', '"Your balance"')
    (locales / "en.test.yaml").write_text(text)
    problems = problems_of(MENU, locales)
    assert any("en.test.yaml:13: 't.balance_shown' lacks placeholder(s) {balance}" in p for p in problems), problems


def test_a_placeholder_that_a_locale_adds_is_reported(tmp_path: Path) -> None:
    locales = locales_with(tmp_path, "en", "")
    text = (locales / "en.test.yaml").read_text().replace('"Done"', '"Done, {name}"')
    (locales / "en.test.yaml").write_text(text)
    problems = problems_of(MENU, locales)
    assert any("'t.done' uses placeholder(s) {name} that the handler does not provide" in p for p in problems)


def test_characters_outside_gsm7_are_reported_with_their_code_point(tmp_path: Path) -> None:
    locales = locales_with(tmp_path, "id", "")
    text = (locales / "id.test.yaml").read_text().replace('"Selesai"', '"Selesai \u2014 terima kasih \U0001f60a"')
    (locales / "id.test.yaml").write_text(text)
    problems = problems_of(MENU, locales)
    assert any("outside GSM-7: '\u2014' (U+2014)" in p and "(U+1F60A)" in p for p in problems), problems


def test_a_line_too_long_for_a_screen_is_reported(tmp_path: Path) -> None:
    locales = locales_with(tmp_path, "id", "")
    text = (locales / "id.test.yaml").read_text().replace('"Selesai"', '"' + "Selesai " * 30 + '"')
    (locales / "id.test.yaml").write_text(text)
    problems = problems_of(MENU, locales)
    assert any("'t.done' has a line of 240 characters" in p for p in problems), problems


def test_the_cli_exits_1_and_prints_file_line_problems(tmp_path: Path) -> None:
    menus = tmp_path / "menus"
    (menus / "ussd").mkdir(parents=True)
    (menus / "ussd" / "main.yaml").write_text((BROKEN / "unknown_next" / "menu.yaml").read_text())
    result = subprocess.run(
        [sys.executable, "-m", "gateway.cli", "menus", "check", str(menus), "--locales", str(LOCALES)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "HANDLERS_MODULE": "tests.fixtures.basic.handlers"},
    )
    assert result.returncode == 1
    assert "ussd/main.yaml:9: screen 'main': option 'next' goes to unknown screen 'balanse'" in result.stdout
