"""The menu graph page, the diff of two releases, and publishing or rolling back (operators, supervisors).

A release is named by its hash, `current`, or `files` (the menus folder as `jembatan menus publish`
would publish it, with the warnings and errors `jembatan menus check` prints).
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from pathlib import Path

from flask import abort, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from gateway.console import bp
from gateway.console.access import audit, db, me, requires, runtime
from gateway.console.graph import Graph, menu_graph
from gateway.console.svg import draw
from gateway.console.texts import t
from gateway.engine.checks import check_menu
from gateway.engine.problems import Problem, errors
from gateway.menus import Loaded, build, collect
from gateway.releases import Release, snapshot
from gateway.releases.diff import ReleaseDiff, diff
from gateway.releases.operations import make_current
from gateway.releases.store import PUBLISH, ROLLBACK, ReleaseStore, StoreError

FILES, CURRENT = "files", "current"
NAME = re.compile(r"[0-9a-f]{4,64}|files|current")
HISTORY = 20


def _store() -> ReleaseStore:
    store = runtime().menus.store
    if store is None:
        abort(404)
    return store


def _name(raw: str | None, default: str = CURRENT) -> str:
    name = (raw or default).strip().lower()
    if not NAME.fullmatch(name):
        abort(400)
    return name


def _hash(name: str) -> str:
    found = runtime().menus.current.menu.version if name == CURRENT else name
    if len(found) < 64:
        matches = _store().resolve(found)
        if len(matches) != 1:
            abort(404)
        found = matches[0]
    return found


def raw_release(name: str) -> Release:
    """The files a name stands for, loadable or not (a diff needs no more)."""
    if name == FILES:
        settings = runtime().settings
        return snapshot(settings.menus_dir, settings.locales_dir)
    stored = _store().get(_hash(name))
    if stored is None:
        abort(404)
    return stored


def release_of(name: str) -> tuple[Loaded | None, list[Problem]]:
    """The release a name stands for, and its problems (a folder's may make it unloadable: then None)."""
    menus, settings = runtime().menus, runtime().settings
    if name == FILES:
        return checked_files(snapshot(settings.menus_dir, settings.locales_dir).hash)
    found = _hash(name)
    loaded = menus.for_version(found)
    if loaded is None:
        loaded, lines = build(raw_release(found), menus.registry)
        if loaded is None:
            return None, [Problem.parse(line) for line in lines]
    return loaded, check_menu(loaded.menu, loaded.catalog, menus.registry)


@lru_cache(maxsize=4)
def _checked(files_hash: str, menus_dir: Path, locales_dir: Path) -> tuple[Loaded | None, list[Problem]]:
    from gateway.operator_files import EXTRA_CHECKS

    return collect(menus_dir, locales_dir, runtime().menus.registry, EXTRA_CHECKS)


def checked_files(files_hash: str) -> tuple[Loaded | None, list[Problem]]:
    """`jembatan menus check` of the folder, once per content (the check takes the better part of a second)."""
    settings = runtime().settings
    return _checked(files_hash, settings.menus_dir, settings.locales_dir)


_DIFFS: dict[tuple[str, str], ReleaseDiff] = {}
DIFFS_KEPT = 16
_DIFFS_LOCK = threading.Lock()


def _diff(old: Release, new: Release) -> ReleaseDiff:
    """A release never changes under its hash, so neither does the diff of two (it reads every YAML file)."""
    key = (old.hash, new.hash)
    found = _DIFFS.get(key)
    if found is None:
        found = diff(old, new)
        with _DIFFS_LOCK:
            _DIFFS[key] = found
            while len(_DIFFS) > DIFFS_KEPT:
                _DIFFS.pop(next(iter(_DIFFS)))
    return found


def _graph(loaded: Loaded, problems: list[Problem], changes: ReleaseDiff | None = None) -> Graph:
    marks: dict[str, str] = {}
    if changes is not None:
        marks.update({screen: "added" for screen in changes.screens.added})
        marks.update({screen: "changed" for screen in changes.screens.changed})
    return menu_graph(loaded.menu, loaded.catalog, problems, marks)


def _history() -> list[object]:
    try:
        return list(_store().history(HISTORY))
    except StoreError:
        return []


@bp.route("/graph")
@requires("graph")
def graph() -> str:
    name = _name(request.args.get("release"))
    loaded, problems = release_of(name)
    drawn = _graph(loaded, problems) if loaded is not None else None
    svg, drawer = draw(drawn, use_dot=request.args.get("drawer") != "layered") if drawn else ("", "")
    return render_template(
        "console/graph.html", name=name, loaded=loaded, graph=drawn, svg=svg, drawer=drawer,
        problems=problems, errors=errors(problems), history=_history(), current=runtime().menus.current.menu.version,
    )  # fmt: skip


@bp.route("/graph/diff")
@requires("graph")
def graph_diff() -> str:
    a, b = _name(request.args.get("a")), _name(request.args.get("b"), FILES)
    changes = _diff(raw_release(a), raw_release(b))
    new, problems = release_of(b)
    svg = draw(_graph(new, problems, changes))[0] if new is not None else ""
    if new is None:
        flash(t("graph.unloadable"), "error")
    return render_template(
        "console/diff.html", a=a, b=b, changes=changes, svg=svg, problems=problems, history=_history()
    )


@bp.route("/graph/publish", methods=["POST"])
@requires("publish")
def graph_publish() -> Response:
    note = (request.form.get("note") or "").strip()[:200]
    loaded, problems = release_of(FILES)
    if loaded is None:
        flash(t("graph.publish_refused", count=len(errors(problems))), "error")
        return redirect(url_for("console.graph", release=FILES))
    made = make_current(_store(), loaded.release, PUBLISH, me().username, note)
    with db() as session:
        audit(session, "menus.publish", made.release_hash, note, previous=made.previous, summary=made.summary,
              changed=made.changed)  # fmt: skip
    flash(t("graph.published", hash=made.release_hash[:10], summary=made.summary or "-"), "ok")
    return redirect(url_for("console.graph"))


@bp.route("/graph/rollback", methods=["POST"])
@requires("publish")
def graph_rollback() -> Response:
    name, note = _name(request.form.get("release")), (request.form.get("note") or "").strip()[:200]
    if not note:
        flash(t("graph.reason_needed"), "error")
        return redirect(url_for("console.graph"))
    loaded, _problems = release_of(name)
    if loaded is None:
        flash(t("graph.unloadable"), "error")
        return redirect(url_for("console.graph"))
    made = make_current(_store(), loaded.release, ROLLBACK, me().username, note)
    with db() as session:
        audit(session, "menus.rollback", made.release_hash, note, previous=made.previous, summary=made.summary,
              changed=made.changed)  # fmt: skip
    flash(t("graph.rolled_back", hash=made.release_hash[:10]), "ok")
    return redirect(url_for("console.graph"))
