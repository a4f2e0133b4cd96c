"""The complaint SMS texts: shipped ones fit their budgets; each broken form names file, line and fix."""

from __future__ import annotations

from pathlib import Path

from gateway.complaints.checks import check_complaints
from gateway.i18n import Catalog, Template, load_catalog

ROOT = Path(__file__).resolve().parents[2]
TEXTS = {
    "complaints.sms.ack": "Pengaduan {ticket} diterima {bank}, jawaban paling lambat {answer_due}.",
    "complaints.sms.extended": "Pengaduan {ticket}: jawaban paling lambat {answer_due}. {reason}",
    "complaints.sms.answer": "Jawaban {ticket} dari {bank}: {answer} Kontak OJK 157 / LAPS SJK.",
}


def catalog(**changed: str) -> Catalog:
    table = {
        key: Template.parse(value, 4, "locales/id.complaints.yaml")
        for key, value in {**TEXTS, **{f"complaints.sms.{k}": v for k, v in changed.items()}}.items()
        if value
    }
    return Catalog({"id": table}, {"id": "locales/id.yaml"})


def test_shipped_texts_fit() -> None:
    shipped, problems = load_catalog(ROOT / "locales")
    assert problems == [] and check_complaints(ROOT / "menus", shipped) == []
    assert check_complaints(ROOT / "menus", catalog()) == []


def test_broken_texts_are_named() -> None:
    long_answer = TEXTS["complaints.sms.answer"] + " Terima kasih atas kesabaran Anda." * 4
    found = [
        str(p) for p in check_complaints(ROOT / "menus", catalog(answer=long_answer, ack="Diterima \u2014 {ticket}"))
    ]
    assert found[0].startswith("locales/id.complaints.yaml:4: 'complaints.sms.ack' has characters outside GSM-7")
    assert found[1].startswith("locales/id.complaints.yaml:4: 'complaints.sms.answer' can reach 5")
    assert found[1].endswith("— fit 3 SMS")
    (missing,) = map(str, check_complaints(ROOT / "menus", catalog(extended="")))
    assert (
        missing == "locales/id.yaml:1: text 'complaints.sms.extended' is missing — add it to locales/id.complaints.yaml"
    )
