"""Checks that keep the pager readable: no option may read like a page key."""

from __future__ import annotations

import re

from gateway.engine.model import Menu
from gateway.engine.problems import Problem
from gateway.i18n import Catalog

_NAV_KEY = re.compile(r"(?:^|\s+)\d+\s+")


def nav_labels(catalog: Catalog, lang: str) -> set[str]:
    """The words beside the page keys (`99 Berikut`, `0 Kembali 00 Menu`), case-folded."""
    labels: set[str] = set()
    for key in ("engine.more", "engine.nav"):
        if catalog.has(lang, key):
            labels.update(part.strip().casefold() for part in _NAV_KEY.split(catalog.render(lang, key)) if part.strip())
    return labels


def check_option_labels(menu: Menu, catalog: Catalog) -> list[Problem]:
    """An option must not read like a page key: `1. Lanjut` beside `99 Lanjut` confuses."""
    problems = []
    for lang in catalog.languages:
        reserved = nav_labels(catalog, lang)
        for screen in menu.screens.values():
            for option in screen.options:
                if not catalog.has(lang, option.label):
                    continue
                label = catalog.render(lang, option.label).strip()
                if label.casefold() in reserved:
                    template = catalog.templates[lang][option.label]
                    problems.append(
                        Problem(
                            template.source,
                            template.line,
                            f"'{option.label}' reads '{label}' like a page key beside it; "
                            "word the option or engine.more/engine.nav differently",
                        )
                    )
    return problems
