"""Making a release current, as publish, rollback and the development file watcher do; and reading history."""

from __future__ import annotations

from dataclasses import dataclass

from gateway.releases.content import Release
from gateway.releases.diff import diff
from gateway.releases.store import ReleaseStore

FIRST_RELEASE = "first release"


@dataclass(frozen=True)
class Made:
    release_hash: str
    previous: str | None
    summary: str
    changed: bool
    """False when the release was current already: nothing recorded."""


def make_current(store: ReleaseStore, release: Release, action: str, by: str, note: str = "") -> Made:
    """Keep `release` (once per hash) and make it current, recording who, why and what changed."""
    store.put(release, by, note)
    previous = store.current()
    if previous == release.hash:
        return Made(release.hash, previous, "", changed=False)
    before = store.get(previous) if previous else None
    summary = diff(before, release).summary() if before is not None else FIRST_RELEASE
    store.make_current(release.hash, action, by, note, summary)
    return Made(release.hash, previous, summary, changed=True)


class UnknownRelease(LookupError):
    pass


def find(store: ReleaseStore, name: str) -> str:
    """A release by hash, a unique prefix of one, or `current`."""
    if name == "current":
        found = store.current()
        if found is None:
            raise UnknownRelease("no release is current yet: publish one with 'jembatan menus publish'")
        return found
    matches = store.resolve(name.strip().lower()) if len(name.strip()) >= 4 else []
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise UnknownRelease(f"no stored release {name!r}; 'jembatan menus history' lists them (4+ characters)")
    raise UnknownRelease(f"{name!r} names {len(matches)} releases ({', '.join(matches)}): type more of the hash")
