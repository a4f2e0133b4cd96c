"""Copies of the test menu an operator can edit and publish, and the edits the release tests make."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from tests.conftest import FIXTURES, ROOT

OPERATOR_FILES = ("products.yaml", "reminders.yaml", "holidays.yaml", "scorecard.yaml", "decision_policy.yaml")
"""`jembatan menus check` (hence publish) checks these beside the USSD menu; the test menu borrows the project's."""


def copy_fixture(tmp_path: Path, operator_files: bool = False) -> tuple[Path, Path]:
    """The basic test menu and its locales in tmp_path; with `operator_files`, complete enough to publish."""
    menus, locales = tmp_path / "menus", tmp_path / "locales"
    shutil.copytree(FIXTURES / "basic" / "menus", menus)
    locales.mkdir()
    for path in (FIXTURES / "basic" / "locales").iterdir():
        shutil.copy(path.resolve(), locales / path.name)
    if operator_files:
        for name in OPERATOR_FILES:
            shutil.copy(ROOT / "menus" / name, menus / name)
        for part in ("reminders", "scoring", "complaints"):
            for path in (ROOT / "locales").glob(f"*.{part}.yaml"):
                shutil.copy(path, locales / path.name)
    for lang in ("id", "en"):  # the END a call gets when its release is gone
        shutil.copy(ROOT / "locales" / f"{lang}.releases.yaml", locales / f"{lang}.releases.yaml")
    return menus, locales


def rename_amount_screen(menus: Path, locales: Path) -> None:
    """A new release: the `amount` screen becomes `loan_amount` with new wording, and the title changes."""
    main = menus / "ussd" / "main.yaml"
    main.write_text(
        main.read_text()
        .replace("next: amount}", "next: loan_amount}")
        .replace("  amount:\n    type: input", "  loan_amount:\n    type: input")
    )
    texts = locales / "id.test.yaml"
    texts.write_text(
        texts.read_text().replace('"Menu uji"', '"Menu baru"').replace('"Jumlah pinjaman:"', '"Berapa pinjaman Anda:"')
    )


def publish_args(menus: Path, locales: Path, by: str = "ana", note: str = "") -> argparse.Namespace:
    return argparse.Namespace(dir=str(menus), locales=str(locales), by=by, note=note)
