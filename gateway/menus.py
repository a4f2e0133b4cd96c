"""Menus and texts from disk, checked whole, kept by version so a reload never breaks a call in flight."""

from __future__ import annotations

import hashlib
import importlib
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from gateway.engine.api import Handler
from gateway.engine.checks import check_menu
from gateway.engine.model import Menu
from gateway.engine.reader import read_menu
from gateway.i18n import Catalog, load_catalog
from gateway.yamlsource import display_path

log = logging.getLogger(__name__)
USSD_DIR = "ussd"
RELOAD_CHECK_INTERVAL_S = 2.0
KEPT_VERSIONS = 20

ExtraCheck = Callable[[Path, Catalog], list[str]]


@dataclass(frozen=True)
class Loaded:
    menu: Menu
    catalog: Catalog


def load_handlers(module_name: str) -> Mapping[str, Handler]:
    module = importlib.import_module(module_name)
    registry: Mapping[str, Handler] = module.REGISTRY
    return registry



def menu_files(menus_dir: Path) -> list[Path]:
    return sorted((menus_dir / USSD_DIR).glob("*.yaml"))


def load(menus_dir: Path, locales_dir: Path, registry: Mapping[str, object]) -> tuple[Loaded | None, list[str]]:
    """Read and check the USSD menu and the locales; problems as `file:line: what and the fix` lines."""
    catalog, catalog_problems = load_catalog(locales_dir)
    files = menu_files(menus_dir)
    if not files:
        return None, [f"{display_path(menus_dir / USSD_DIR)}:1: no menu files (*.yaml) found"]
    menu, problems = read_menu((display_path(p), p.read_text(encoding="utf-8")) for p in files)
    if menu is not None:
        problems = check_menu(menu, catalog, registry)
    lines = catalog_problems + [str(problem) for problem in problems]
    if lines or menu is None:
        return None, lines
    return Loaded(replace(menu, version=_version(menu.version, locales_dir)), catalog), []


def _version(menu_version: str, locales_dir: Path) -> str:
    """A menu's version covers its texts too: a wording change is a new version."""
    digest = hashlib.sha256(menu_version.encode())
    for path in sorted(locales_dir.glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def check_all(
    menus_dir: Path, locales_dir: Path, registry: Mapping[str, object], extra_checks: tuple[ExtraCheck, ...] = ()
) -> list[str]:
    loaded, problems = load(menus_dir, locales_dir, registry)
    if loaded is not None:
        for check in extra_checks:
            problems.extend(check(menus_dir, loaded.catalog))
    return problems


class InvalidMenus(RuntimeError):
    """The gateway refuses to start on menus that `jembatan menus check` would refuse."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("the menus are invalid; fix these and start again:\n" + "\n".join(problems))
        self.problems = problems


class MenuBook:
    """The current menu per service code, older versions kept for sessions that started on them."""

    def __init__(self, menus_dir: Path, locales_dir: Path, registry: Mapping[str, Handler]) -> None:
        self.menus_dir, self.locales_dir, self.registry = menus_dir, locales_dir, registry
        self._lock = threading.Lock()
        self._versions: dict[str, Loaded] = {}
        self._next_check = 0.0
        self._stamp = self._files_stamp()
        loaded, problems = load(menus_dir, locales_dir, registry)
        if loaded is None:
            raise InvalidMenus(problems)
        self.current = loaded
        self._versions[loaded.menu.version] = loaded

    def _files_stamp(self) -> tuple[tuple[str, int, int], ...]:
        paths = [*menu_files(self.menus_dir), *sorted(self.locales_dir.glob("*.yaml"))]
        return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths)

    def for_code(self, service_code: str) -> Loaded | None:
        self.refresh()
        current = self.current
        if not service_code or service_code in current.menu.service_codes:
            return current
        return None

    def for_version(self, version: str) -> Loaded:
        return self._versions.get(version) or self.current

    def refresh(self, now: float | None = None) -> None:
        """Take up edited files at most every couple of seconds; an invalid edit keeps the old menu."""
        now = time.monotonic() if now is None else now
        if now < self._next_check:
            return
        with self._lock:
            self._next_check = now + RELOAD_CHECK_INTERVAL_S
            stamp = self._files_stamp()
            if stamp == self._stamp:
                return
            self._stamp = stamp
            loaded, problems = load(self.menus_dir, self.locales_dir, self.registry)
            if loaded is None:
                log.error(
                    "menu reload refused, keeping version %s:\n%s", self.current.menu.version, "\n".join(problems)
                )
                return
            self._versions[loaded.menu.version] = loaded
            while len(self._versions) > KEPT_VERSIONS:
                self._versions.pop(next(iter(self._versions)))
            self.current = loaded
            log.info("menu version %s loaded", loaded.menu.version)
