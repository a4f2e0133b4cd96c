"""menus check on the decision texts: the shipped ones pass; too long, non-GSM-7, 'ditolak', unknown
placeholders and a missing translation are each reported with the file and line."""

from __future__ import annotations

from pathlib import Path

from gateway.config import PROJECT_ROOT
from gateway.decisions.checks import check_decisions
from gateway.i18n import build_catalog, load_catalog

MENUS = PROJECT_ROOT / "menus"


def test_the_shipped_texts_pass() -> None:
    catalog, problems = load_catalog(PROJECT_ROOT / "locales")
    assert problems == []
    assert check_decisions(MENUS, catalog) == []


def test_each_fault_is_named() -> None:
    too_long = " ".join(["{amount}"] * 30)
    indonesian = f"""\
decisions:
  sms:
    declined: "{{bank}}: pengajuan {{reference}} ditolak. {{reasons}}"
    long: "{{bank}} {too_long}"
    curly: "Pinjaman \u201cdisetujui\u201d"
    odd: "{{nobody_knows}}"
  reason:
    income_too_low: "penghasilan belum cukup"
"""
    english = 'decisions:\n  sms:\n    declined: "{bank}: not approved. {reasons}"\n'
    catalog, _ = build_catalog(
        [("id.decisions.yaml", "locales/id.decisions.yaml", indonesian), ("en.yaml", "locales/en.yaml", english)],
        "locales",
    )
    found = [str(problem) for problem in check_decisions(Path("menus"), catalog)]
    assert any("'decisions.sms.declined' says 'ditolak'" in p and "id.decisions.yaml:3" in p for p in found)
    assert any("'decisions.sms.long' takes" in p and "more than 3" in p for p in found)
    assert any("'decisions.sms.curly' has characters outside GSM-7" in p for p in found)
    assert any("'decisions.sms.odd' uses ['nobody_knows']" in p for p in found)
    assert any("'decisions.reason.income_too_low' is missing in 'en'" in p for p in found)
