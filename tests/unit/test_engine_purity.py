"""The engine's source, read as a syntax tree: an allow-list of what it imports, and none of the calls an
import contract cannot see (`open()`, `Path()`, the clock, `os.`/`time.`). lint-imports covers the rest."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[2] / "gateway" / "engine"

ALLOWED_IMPORTS = frozenset(
    {
        "__future__",
        "collections.abc",
        "dataclasses",
        "datetime",
        "decimal",
        "difflib",
        "enum",
        "functools",
        "hashlib",
        "itertools",
        "json",
        "math",
        "re",
        "string",
        "types",
        "typing",
        "gateway.gsm7",
        "gateway.i18n",
        "gateway.money",
        "gateway.pin_format",
        "gateway.yamlsource",
    }
)
"""Besides `gateway.engine.*`: pure standard-library modules and the pure helpers beside the engine."""

FORBIDDEN_CALLS = frozenset({"open", "Path", "print", "input", "exec", "eval", "compile", "__import__"})
CLOCK_METHODS = frozenset({"now", "today", "utcnow", "fromtimestamp", "time", "monotonic", "perf_counter"})
FORBIDDEN_NAMES = frozenset({"os", "time", "sys", "io", "socket", "subprocess", "random"})


def imported_modules(tree: ast.AST) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def injected(receiver: ast.expr) -> bool:
    """The host's clock, handed in as services (`self._services.now()`), is how the engine may ask the time."""
    return "services" in ast.unparse(receiver)


def impure_uses(tree: ast.AST) -> list[str]:
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            if isinstance(func, ast.Name) and func.id in FORBIDDEN_CALLS:
                found.append(f"{func.id}() at line {node.lineno}")
            elif isinstance(func, ast.Attribute) and func.attr in CLOCK_METHODS and not injected(func.value):
                found.append(f".{func.attr}() at line {node.lineno}")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in FORBIDDEN_NAMES:
            found.append(f"{node.value.id}.{node.attr} at line {node.lineno}")
    return found


def engine_modules() -> list[Path]:
    modules = sorted(ENGINE.glob("*.py"))
    assert len(modules) > 5
    return modules


@pytest.mark.parametrize("module", engine_modules(), ids=lambda path: path.name)
def test_engine_module_imports_only_pure_modules(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"), str(module))
    unexpected = {m for m in imported_modules(tree) if not m.startswith("gateway.engine")} - ALLOWED_IMPORTS
    assert not unexpected, f"{module.name} imports {sorted(unexpected)}"


@pytest.mark.parametrize("module", engine_modules(), ids=lambda path: path.name)
def test_engine_module_calls_no_file_clock_or_process(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"), str(module))
    assert impure_uses(tree) == [], module.name


@pytest.mark.parametrize(
    "source",
    [
        "text = open('menu.yaml').read()",
        "from pathlib import Path\ntext = Path('x').read_text()",
        "import datetime\nstamp = datetime.datetime.now()",
        "from datetime import date\nday = date.today()",
        "import os\nname = os.environ['X']",
        "import time\ntime.sleep(1)",
        "from datetime import datetime\nstamp = datetime.fromtimestamp(0)",
    ],
)
def test_the_scan_sees_what_import_contracts_cannot(source: str) -> None:
    assert impure_uses(ast.parse(source)) != []


def test_the_allow_list_refuses_an_impure_import() -> None:
    tree = ast.parse("import os\nfrom gateway.menus import MenuBook\nfrom gateway.engine.model import Menu\n")
    assert {m for m in imported_modules(tree) if not m.startswith("gateway.engine")} - ALLOWED_IMPORTS == {
        "os",
        "gateway.menus",
    }
