"""A release's content: every file the engine needs to run a call (USSD menus, locale catalogues).

Files are named relative to their folder (`ussd/main.yaml`, `locales/id.yaml`), so the hash does not
depend on where a copy lives. The hash is the release's name and the session's `menu_version`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

USSD_DIR = "ussd"
LOCALES = "locales"
HASH_CHARS = 12
"""Short enough for every session record, long enough never to collide among one bank's releases."""


@dataclass(frozen=True)
class Release:
    files: Mapping[str, str]

    @property
    def hash(self) -> str:
        digest = hashlib.sha256()
        for name in sorted(self.files):
            digest.update(name.encode() + b"\0" + self.files[name].encode() + b"\0")
        return digest.hexdigest()[:HASH_CHARS]

    def menu_files(self) -> list[tuple[str, str]]:
        return [(name, text) for name, text in sorted(self.files.items()) if name.startswith(f"{USSD_DIR}/")]

    def locale_files(self) -> list[tuple[str, str]]:
        return [(name, text) for name, text in sorted(self.files.items()) if name.startswith(f"{LOCALES}/")]

    def to_json(self) -> str:
        return json.dumps({"files": dict(self.files)}, sort_keys=True, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Release:
        data = json.loads(text)
        files = data.get("files") if isinstance(data, dict) else None
        if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
            raise ValueError("a stored release must be {'files': {name: text}}")
        return cls({str(name): value for name, value in files.items()})


def release_paths(menus_dir: Path, locales_dir: Path) -> dict[str, Path]:
    """The files a release is made of, by release name."""
    paths = {f"{USSD_DIR}/{p.name}": p for p in sorted((menus_dir / USSD_DIR).glob("*.yaml"))}
    paths.update({f"{LOCALES}/{p.name}": p for p in sorted(locales_dir.glob("*.yaml"))})
    return paths


def snapshot(menus_dir: Path, locales_dir: Path) -> Release:
    return Release(
        {name: path.read_text(encoding="utf-8") for name, path in release_paths(menus_dir, locales_dir).items()}
    )
