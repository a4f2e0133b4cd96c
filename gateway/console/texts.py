"""The console's words, from `locales/<lang>.console.yaml` through the gateway's own catalogue (Indonesian first)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from flask import current_app, session

from gateway.config import PROJECT_ROOT
from gateway.i18n import Catalog, build_catalog

LANGUAGES = ("id", "en")
PART = ".console.yaml"
EXTENSION = "jembatan.console_texts"


def load_texts(locales_dir: Path) -> Catalog:
    """The console texts in the configured locales folder, else the project's own (a folder of other menus)."""
    if not any(locales_dir.glob(f"*{PART}")):
        locales_dir = PROJECT_ROOT / "locales"
    files = [(p.name, str(p), p.read_text(encoding="utf-8")) for p in sorted(locales_dir.glob(f"*{PART}"))]
    catalog, problems = build_catalog(files, str(locales_dir))
    if problems:
        raise ValueError("console texts: " + "; ".join(problems))
    return catalog


def lang() -> str:
    """The member's choice for this session; Indonesian until they choose."""
    chosen = session.get("lang")
    return str(chosen) if chosen in LANGUAGES else LANGUAGES[0]


def t(key: str, **values: Any) -> str:
    catalog = cast(Catalog, current_app.extensions[EXTENSION])
    return catalog.render(lang(), f"console.{key}", values)
