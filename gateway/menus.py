"""Menus and texts as releases: built and checked whole, served by hash so a change never breaks a call in flight.

`MenuBook` keeps the releases this process has loaded, by hash. A new call gets the current release; a
call in flight gets the one it started on, from memory or else from the release store (the database),
whichever process or restart serves the hop. Every couple of seconds a new call also checks the current
release pointer (and, in development, the files: an edited file becomes a new release).
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from gateway.engine.api import Handler
from gateway.engine.checks import check_menu
from gateway.engine.model import Menu
from gateway.engine.problems import Problem, errors
from gateway.engine.reader import read_menu
from gateway.i18n import Catalog, build_catalog
from gateway.outages import OutageLog
from gateway.releases.content import LOCALES, USSD_DIR, Release, release_paths
from gateway.releases.operations import make_current
from gateway.releases.store import FILES, FIRST_START, ReleaseStore, StoreError
from gateway.yamlsource import display_path

log = logging.getLogger(__name__)
RELOAD_CHECK_INTERVAL_S = 2.0
KEPT_VERSIONS = 20
WATCHER = "files"
"""Who the history names for a release the development file watcher made current."""
STORE = "menu release store"

ExtraCheck = Callable[[Path, Catalog], list[Problem]]


@dataclass(frozen=True)
class Loaded:
    menu: Menu
    catalog: Catalog
    release: Release


def load_handlers(module_name: str) -> Mapping[str, Handler]:
    module = importlib.import_module(module_name)
    registry: Mapping[str, Handler] = module.REGISTRY
    return registry


def menu_files(menus_dir: Path) -> list[Path]:
    return sorted((menus_dir / USSD_DIR).glob("*.yaml"))


def build(
    release: Release, registry: Mapping[str, object], sources: Mapping[str, str] | None = None
) -> tuple[Loaded | None, list[str]]:
    """Read and check a release; problems as `file:line: what and the fix` lines (`sources` names the files)."""
    names = sources or {}
    catalog, catalog_problems = build_catalog(
        ((name.split("/", 1)[1], names.get(name, name), text) for name, text in release.locale_files()),
        names.get(LOCALES, LOCALES),
    )
    documents = [(names.get(name, name), text) for name, text in release.menu_files()]
    if not documents:
        return None, [f"{names.get(USSD_DIR, USSD_DIR)}:1: no menu files (*.yaml) found"]
    menu, problems = read_menu(documents)
    if menu is not None:
        problems = check_menu(menu, catalog, registry)
    lines = catalog_problems + [str(problem) for problem in problems]
    if lines or menu is None:
        return None, lines
    return Loaded(replace(menu, version=release.hash), catalog, release), []


def load(menus_dir: Path, locales_dir: Path, registry: Mapping[str, object]) -> tuple[Loaded | None, list[str]]:
    """The release the files in these folders make, checked; problems name the files as the operator sees them."""
    paths = release_paths(menus_dir, locales_dir)
    release = Release({name: path.read_text(encoding="utf-8") for name, path in paths.items()})
    sources = {name: display_path(path) for name, path in paths.items()}
    sources.update({USSD_DIR: display_path(menus_dir / USSD_DIR), LOCALES: display_path(locales_dir)})
    return build(release, registry, sources)


def collect(
    menus_dir: Path, locales_dir: Path, registry: Mapping[str, object], extra_checks: tuple[ExtraCheck, ...] = ()
) -> tuple[Loaded | None, list[Problem]]:
    """The release the files make (None when any problem is an error) and every problem, errors and warnings.

    The one collection: `menus check` prints it, and its errors stop `menus publish` and the app's start.
    """
    loaded, lines = load(menus_dir, locales_dir, registry)
    problems = [Problem.parse(line) for line in lines]
    if loaded is not None:
        for check in extra_checks:
            problems.extend(check(menus_dir, loaded.catalog))
    return (None if errors(problems) else loaded), problems


def check_all(
    menus_dir: Path, locales_dir: Path, registry: Mapping[str, object], extra_checks: tuple[ExtraCheck, ...] = ()
) -> list[Problem]:
    return collect(menus_dir, locales_dir, registry, extra_checks)[1]


class InvalidMenus(RuntimeError):
    """The gateway refuses to start on menus that `jembatan menus check` would refuse."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("the menus are invalid; fix these and start again:\n" + "\n".join(problems))
        self.problems = problems


class MenuBook:
    """The current release, and the others this process has served, by hash (see the module docstring).

    `watch` (development): the files are the source; at start and on each edit they become the current
    release. Without it the current release in the store is served, and the files only seed an empty store.
    """

    def __init__(
        self,
        menus_dir: Path,
        locales_dir: Path,
        registry: Mapping[str, Handler],
        store: ReleaseStore | None = None,
        watch: bool = True,
        check_interval_s: float = RELOAD_CHECK_INTERVAL_S,
        extra_checks: tuple[ExtraCheck, ...] = (),
    ) -> None:
        self.menus_dir, self.locales_dir, self.registry = menus_dir, locales_dir, registry
        self.extra_checks = extra_checks
        self.store, self.watch, self.check_interval_s = store, watch, check_interval_s
        self.outages = OutageLog(log)
        self._lock = threading.Lock()
        self._cache_lock = threading.Lock()
        self._cache: OrderedDict[str, Loaded] = OrderedDict()
        self._refused: str | None = None
        self._stamp = self._files_stamp()
        self.current = self._start()
        self._next_check = time.monotonic() + check_interval_s

    def _start(self) -> Loaded:
        if not self.watch:
            stored = self._stored_current()
            if stored is not None:
                return stored
        loaded, problems = collect(self.menus_dir, self.locales_dir, self.registry, self.extra_checks)
        if loaded is None:
            raise InvalidMenus([str(problem) for problem in errors(problems)])
        self._keep(loaded)
        self._record(loaded, FILES if self.watch else FIRST_START, only_if_none=not self.watch)
        return loaded

    def _stored_current(self) -> Loaded | None:
        """The store's current release, or None when there is none yet (or no store to ask)."""
        if self.store is None:
            return None
        try:
            current = self.store.current()
            if current is None:
                return None
            loaded = self._from_store(current)
        except StoreError as exc:
            self.outages.failed(STORE, exc)
            return None
        if loaded is None:
            raise InvalidMenus(
                [
                    f"release {current}, current in the database, cannot run on this code (see the "
                    "log); publish one that can: jembatan menus publish"
                ]
            )
        return loaded

    def _record(self, loaded: Loaded, action: str, only_if_none: bool = False) -> None:
        """Keep a release the files made in the store and make it current (it is served either way)."""
        if self.store is None:
            return
        try:
            if only_if_none and self.store.current() is not None:
                return
            made = make_current(self.store, loaded.release, action, WATCHER)
        except StoreError as exc:
            self.outages.failed(STORE, exc)
            return
        self.outages.recovered(STORE)
        if made.changed:
            log.info("menu release %s is current (%s: %s)", made.release_hash, action, made.summary)

    def _files_stamp(self) -> tuple[tuple[str, int, int], ...]:
        paths = release_paths(self.menus_dir, self.locales_dir).values()
        return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths)

    def for_code(self, service_code: str) -> Loaded | None:
        self.refresh()
        current = self.current
        if not service_code or service_code in current.menu.service_codes:
            return current
        return None

    def for_version(self, version: str) -> Loaded | None:
        """The release a session started on; None only when it is gone from the store (or cannot run here).

        A release in memory costs no read; another is read from the store once, then kept. Raises StoreError
        while the store cannot be read.
        """
        loaded = self._cache.get(version)
        if loaded is not None or self.store is None:
            return loaded
        return self._from_store(version)

    def _from_store(self, version: str) -> Loaded | None:
        assert self.store is not None
        release = self.store.get(version)
        if release is None:
            log.warning("menu release %s is in no store: its calls end", version)
            return None
        loaded, problems = build(release, self.registry)
        if loaded is None:
            log.error("menu release %s cannot run on this code:\n%s", version, "\n".join(problems))
            return None
        self._keep(loaded)
        return loaded

    def _keep(self, loaded: Loaded) -> None:
        with self._cache_lock:
            self._cache[loaded.menu.version] = loaded
            self._cache.move_to_end(loaded.menu.version)
            while len(self._cache) > KEPT_VERSIONS:
                self._cache.popitem(last=False)

    def _switch(self, loaded: Loaded) -> None:
        self._keep(loaded)
        self.current = loaded
        log.info("menu release %s serves new calls", loaded.menu.version)

    def refresh(self, now: float | None = None) -> None:
        """At most every couple of seconds: edited files (development), then the store's current pointer.

        One thread checks; the others never wait for it (a slow database delays one new call, not all)."""
        now = time.monotonic() if now is None else now
        if now < self._next_check:
            return
        if not self._lock.acquire(blocking=False):  # another thread is checking: serve what is current
            return
        try:
            if now < self._next_check:
                return
            self._next_check = now + self.check_interval_s
            if self.watch:
                self._take_up_files()
            self._follow_pointer()
        finally:
            self._lock.release()

    def _take_up_files(self) -> None:
        """An edited file becomes a new release; an invalid edit is refused and the old menu keeps serving."""
        stamp = self._files_stamp()
        if stamp == self._stamp:
            return
        self._stamp = stamp
        loaded, problems = load(self.menus_dir, self.locales_dir, self.registry)
        if loaded is None:
            log.error("menu reload refused, keeping version %s:\n%s", self.current.menu.version, "\n".join(problems))
            return
        self._record(loaded, FILES)
        self._switch(loaded)

    def _follow_pointer(self) -> None:
        if self.store is None:
            return
        try:
            current = self.store.current()
            self.outages.recovered(STORE)
            if current is None or current in (self.current.menu.version, self._refused):
                return
            loaded = self.for_version(current)
        except StoreError as exc:
            self.outages.failed(STORE, exc)
            return
        if loaded is None:
            self._refused = current
            log.error(
                "menu release %s is current in the store but cannot run here; keeping %s",
                current,
                self.current.menu.version,
            )
            return
        self._switch(loaded)
