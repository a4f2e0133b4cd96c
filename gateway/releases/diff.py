"""What changed between two releases: screens, texts and menu settings added, removed or changed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gateway.i18n import read_catalog_text
from gateway.releases.content import Release
from gateway.yamlsource import LineMap, YamlError, read_yaml


@dataclass(frozen=True)
class Changes:
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    changed: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def counts(self) -> str:
        return f"+{len(self.added)} -{len(self.removed)} ~{len(self.changed)}"


@dataclass(frozen=True)
class ReleaseDiff:
    screens: Changes
    texts: Changes
    settings: Changes

    def summary(self) -> str:
        """One line for the history: `screens +1 -0 ~2, texts +0 -0 ~1`."""
        parts = [
            f"{name} {changes.counts()}"
            for name, changes in (("screens", self.screens), ("texts", self.texts), ("settings", self.settings))
            if changes
        ]
        return ", ".join(parts) or "no screen or text changed"

    def lines(self) -> list[str]:
        """The readable diff: one line per group, names sorted."""
        out = []
        for name, changes in (("screens", self.screens), ("texts", self.texts), ("menu settings", self.settings)):
            for verb, items in (("added", changes.added), ("removed", changes.removed), ("changed", changes.changed)):
                if items:
                    out.append(f"{name} {verb} ({len(items)}): {', '.join(items)}")
        return out or ["no screen, text or menu setting changed"]


def compare(old: Mapping[str, Any], new: Mapping[str, Any]) -> Changes:
    return Changes(
        added=tuple(sorted(set(new) - set(old))),
        removed=tuple(sorted(set(old) - set(new))),
        changed=tuple(sorted(key for key in set(old) & set(new) if old[key] != new[key])),
    )


def diff(old: Release, new: Release) -> ReleaseDiff:
    old_screens, old_settings = _menu_parts(old)
    new_screens, new_settings = _menu_parts(new)
    return ReleaseDiff(
        compare(old_screens, new_screens), compare(_texts(old), _texts(new)), compare(old_settings, new_settings)
    )


def _plain(value: Any) -> Any:
    """YAML as plain data (a LineMap compares by content anyway; this keeps lists of maps comparable too)."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def _menu_parts(release: Release) -> tuple[dict[str, Any], dict[str, Any]]:
    screens: dict[str, Any] = {}
    settings: dict[str, Any] = {}
    for name, text in release.menu_files():
        try:
            data = read_yaml(text, name)
        except YamlError:
            continue  # a stored release was valid when published; an unreadable file shows as removed screens
        if not isinstance(data, LineMap):
            continue
        for key, value in data.items():
            if key == "screens" and isinstance(value, dict):
                screens.update({str(screen): _plain(body) for screen, body in value.items()})
            elif key != "screens":
                settings[str(key)] = _plain(value)
    return screens, settings


def _texts(release: Release) -> dict[str, str]:
    """Every text as `lang:key` → its wording."""
    out: dict[str, str] = {}
    for name, text in release.locale_files():
        lang = name.rsplit("/", 1)[-1].split(".")[0]
        table, _problems = read_catalog_text(text, name)
        out.update(
            {
                f"{lang}:{key}": "".join(
                    literal + (f"{{{field}}}" if field else "") for literal, field in template.parts
                )
                for key, template in table.items()
            }
        )
    return out
