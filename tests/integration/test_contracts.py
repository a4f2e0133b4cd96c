"""The seams `make test` enforces, proven on a copy of the code: a Bank method SqlBank lacks fails mypy,
an impure import in the engine fails lint-imports. The real tree passes both in scripts/test.sh."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOL_TIMEOUT_S = 300
PROBE = "contract_probe_method"
BANK_PROTOCOL = "class Bank(Protocol):\n"


def copy_tree(into: Path) -> Path:
    for package in ("gateway", "handlers"):
        shutil.copytree(ROOT / package, into / package, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", into / "pyproject.toml")
    return into


def run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=TOOL_TIMEOUT_S, check=False)


def insert_after(path: Path, anchor: str, addition: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(anchor) == 1, f"{anchor!r} not found once in {path}"
    path.write_text(text.replace(anchor, anchor + addition), encoding="utf-8")


def test_a_bank_method_the_ledger_does_not_implement_fails_mypy(tmp_path: Path) -> None:
    tree = copy_tree(tmp_path / "tree")
    interface = tree / "gateway" / "banking" / "interface.py"
    text = interface.read_text(encoding="utf-8")
    at = text.index(BANK_PROTOCOL)
    docstring_end = text.index('"""', text.index('"""', at) + 3) + 3  # after the class docstring
    interface.write_text(
        text[:docstring_end] + f"\n\n    def {PROBE}(self, msisdn: str) -> int: ...\n" + text[docstring_end:],
        encoding="utf-8",
    )
    result = run([sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "mypy-cache")], tree)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert '"SqlBank" is missing following "Bank" protocol member' in output, output
    assert PROBE in output


def lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    return run([str(Path(sys.executable).parent / "lint-imports"), "--no-cache"], tree)


ENGINE_PURE = "The menu engine is pure: no host, storage, network, handlers or bank"
ENGINE_NO_IO = "The menu engine touches no file, clock, process or socket itself"


@pytest.mark.parametrize(
    ("line", "contract", "shown"),
    [
        ("from gateway.menus import MenuBook", ENGINE_PURE, "gateway.engine.step -> gateway.menus"),
        ("from gateway.config import Settings", ENGINE_PURE, "gateway.engine.step -> gateway.config"),
        ("import redis", ENGINE_PURE, "gateway.engine.step -> redis"),
        ("import time", ENGINE_NO_IO, "gateway.engine.step -> time"),
        ("from pathlib import Path", ENGINE_NO_IO, "gateway.engine.step -> pathlib"),
        ("import os", ENGINE_NO_IO, "gateway.engine.step -> os"),
    ],
)
def test_an_impure_import_in_the_engine_fails_lint_imports(
    tmp_path: Path, line: str, contract: str, shown: str
) -> None:
    tree = copy_tree(tmp_path / "tree")
    before = lint_imports(tree)
    assert f"{contract} KEPT" in before.stdout, before.stdout + before.stderr
    insert_after(
        tree / "gateway" / "engine" / "step.py", "from __future__ import annotations\n", f"\n{line}  # noqa: F401\n"
    )
    after = lint_imports(tree)
    assert after.returncode != 0
    assert f"{contract} BROKEN" in after.stdout, after.stdout + after.stderr
    assert shown in after.stdout


@pytest.mark.parametrize(
    ("module", "line", "shown"),
    [
        ("handlers/_common.py", "import gateway.sessions", "handlers._common -> gateway.sessions"),
        ("handlers/_common.py", "import gateway.storage.ledger_tables", "_common -> gateway.storage.ledger_tables"),
        ("gateway/banking/ledger.py", "import gateway.dialog", "gateway.banking.ledger -> gateway.dialog"),
        ("gateway/sessions.py", "import gateway.runtime", "gateway.sessions -> gateway.runtime"),
    ],
)
def test_an_import_against_the_layers_fails_lint_imports(tmp_path: Path, module: str, line: str, shown: str) -> None:
    tree = copy_tree(tmp_path / "tree")
    insert_after(tree / module, "from __future__ import annotations\n", f"\n{line}  # noqa: F401\n")
    after = lint_imports(tree)
    assert after.returncode != 0
    assert shown in after.stdout, after.stdout + after.stderr
