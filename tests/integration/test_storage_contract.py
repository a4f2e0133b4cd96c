"""Only gateway.banking and gateway.storage import the ledger's tables: an import from anywhere else
(reminders, SMS, the web) fails lint-imports, proven on a copy of the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.test_contracts import copy_tree, insert_after, lint_imports

LEDGER_TABLES = "Only the built-in bank and the storage package import the ledger's tables"


@pytest.mark.parametrize(
    ("module", "shown"),
    [
        ("gateway/reminders/due.py", "gateway.reminders.due -> gateway.storage.ledger_tables"),
        ("gateway/sms/router.py", "gateway.sms.router -> gateway.storage.ledger_tables"),
        ("gateway/web/sms.py", "gateway.web.sms -> gateway.storage.ledger_tables"),
    ],
)
def test_the_ledger_tables_outside_banking_and_storage_fail_lint_imports(
    tmp_path: Path, module: str, shown: str
) -> None:
    tree = copy_tree(tmp_path / "tree")
    before = lint_imports(tree)
    assert f"{LEDGER_TABLES} KEPT" in before.stdout, before.stdout + before.stderr
    insert_after(
        tree / module, "from __future__ import annotations\n", "\nimport gateway.storage.ledger_tables  # noqa: F401\n"
    )
    after = lint_imports(tree)
    assert after.returncode != 0
    assert f"{LEDGER_TABLES} BROKEN" in after.stdout
    assert shown in after.stdout, after.stdout + after.stderr
