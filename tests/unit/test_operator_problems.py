"""One Problem type for every operator-file check: errors stop, warnings advise, `menus check` prints them apart."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gateway.engine.problems import Problem, Severity, errors, warnings
from gateway.menus import check_all, collect, load_handlers
from gateway.operator_files import EXTRA_CHECKS

ROOT = Path(__file__).resolve().parents[2]
APPLIED_EN = '    applied: "Your loan application is being processed. Our officer will contact you."\n'


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    menus, locales = tmp_path / "menus", tmp_path / "locales"
    shutil.copytree(ROOT / "menus", menus)
    shutil.copytree(ROOT / "locales", locales)
    return menus, locales


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def run_check(menus: Path, locales: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", "menus", "check", str(menus), "--locales", str(locales)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin"},
    )


def test_a_problem_renders_file_line_and_parses_back() -> None:
    line = "menus/sms.yaml:12: keyword 'saldo' has no 'ok' reply — add ok: <locale key>"
    problem = Problem.parse(line, Severity.WARNING)
    assert (problem.source, problem.line, problem.severity) == ("menus/sms.yaml", 12, Severity.WARNING)
    assert str(problem) == line
    assert Problem.parse(line).severity is Severity.ERROR and Severity.ERROR == "error"
    assert errors([problem]) == [] and warnings([problem]) == [problem]


def test_every_checker_returns_problems_with_a_severity(folders: tuple[Path, Path]) -> None:
    menus, locales = folders
    edit(menus / "products.yaml", "max: ", "max: -")
    edit(menus / "sms.yaml", "handler: loans.schedule", "handler: loans.timetable")
    edit(menus / "reminders.yaml", "offset_days:", "offset_dayz:")
    edit(locales / "en.complaints.yaml", "Answer to complaint", "Answer \u2014 complaint")
    edit(locales / "id.decisions.yaml", "tidak disetujui. Alasan", "ditolak. Alasan")
    edit(menus / "scorecard.yaml", "base_points: 400", "base_points: banyak")
    edit(menus / "holidays.yaml", "{date: 2026-02-16,", "{date: 2026-02-31,")
    loaded, _ = collect(menus, locales, load_handlers("handlers"))
    assert loaded is not None
    for check in EXTRA_CHECKS:
        found = check(menus, loaded.catalog)
        assert found, check
        assert all(isinstance(p, Problem) and isinstance(p.severity, Severity) for p in found), found
    problems = check_all(menus, locales, load_handlers("handlers"), EXTRA_CHECKS)
    assert {p.source.rsplit("/", 1)[-1] for p in errors(problems)} >= {"products.yaml", "sms.yaml", "reminders.yaml"}


def test_the_menu_checks_return_errors(folders: tuple[Path, Path]) -> None:
    menus, locales = folders
    (ussd,) = [p for p in sorted((menus / "ussd").glob("*.yaml")) if "next:" in p.read_text()][:1]
    edit(ussd, "next: ", "next: nowhere_")
    problems = check_all(menus, locales, load_handlers("handlers"))
    assert problems and all(p.severity is Severity.ERROR for p in problems), problems
    assert collect(menus, locales, load_handlers("handlers"))[0] is None


def test_a_fallback_translation_is_a_warning_and_a_missing_default_text_an_error(folders: tuple[Path, Path]) -> None:
    menus, locales = folders
    edit(locales / "en.sms.yaml", APPLIED_EN, "")
    problems = check_all(menus, locales, load_handlers("handlers"), EXTRA_CHECKS)
    assert errors(problems) == [] and len(warnings(problems)) == 1, problems
    assert collect(menus, locales, load_handlers("handlers"), EXTRA_CHECKS)[0] is not None
    id_applied = next(line for line in (locales / "id.sms.yaml").read_text().splitlines(True) if "applied:" in line)
    edit(locales / "id.sms.yaml", id_applied, "")
    problems = check_all(menus, locales, load_handlers("handlers"), EXTRA_CHECKS)
    assert any("'sms.pinjaman.applied' is missing in 'id'" in str(p) for p in errors(problems)), problems


def test_the_cli_prints_warnings_apart_and_exits_0_on_warnings_only(folders: tuple[Path, Path]) -> None:
    menus, locales = folders
    edit(locales / "en.sms.yaml", APPLIED_EN, "")
    result = run_check(menus, locales)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 warning(s)" in result.stdout
    (warning,) = [line for line in result.stdout.splitlines() if line.startswith("warning: ")]
    assert "sms.yaml:" in warning and "'sms.pinjaman.applied' is missing in 'en'" in warning
    assert "are valid (1 warning(s))" in result.stdout

    edit(menus / "products.yaml", "max: ", "max: -")
    result = run_check(menus, locales)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert any("products.yaml:" in line and not line.startswith("warning: ") for line in lines), lines
    assert any(line.startswith("warning: ") and "'sms.pinjaman.applied'" in line for line in lines), lines
    shown_errors = [line for line in lines if line.startswith(str(menus))]
    assert f"{len(shown_errors)} problem(s) found" in result.stderr, (lines, result.stderr)
