"""`still_wanted` hooks: a feature that queued an SMS may cancel it at the last moment, by purpose.

The registry is explicit (greppable, no registration by import side effect): a purpose maps to the
dotted path of `f(db, outbox_id, now) -> bool`, imported on first use in the worker. It runs in a
transaction of its own, after the row is claimed and before the provider is called; False cancels the
send (the hook may mark the row itself, e.g. `suppressed` with a reason). Reminders, for example,
answer False for a reminder whose instalment has been paid meanwhile.

The sender asks about a chunk of rows at once (`wanted`): a purpose in STILL_WANTED_MANY answers with
one function call per chunk (a few queries instead of a few per row); the others row by row.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from datetime import datetime
from types import MappingProxyType
from typing import Any

from sqlalchemy.orm import Session

StillWanted = Callable[[Session, int, datetime], bool]
StillWantedMany = Callable[[Session, list[int], datetime], set[int]]

STILL_WANTED: Mapping[str, str] = MappingProxyType({"reminder": "gateway.reminders.sendcheck:still_wanted"})
"""purpose -> `module:function`. A purpose without a hook is always still wanted."""
STILL_WANTED_MANY: Mapping[str, str] = MappingProxyType({"reminder": "gateway.reminders.sendcheck:still_wanted_many"})
"""purpose -> `module:function(db, ids, now) -> ids still wanted`: the same answer as STILL_WANTED, at once."""


class StillWantedHooks:
    """Resolves the registry's paths once per process; tests may pass functions directly."""

    def __init__(self, paths: Mapping[str, str] | None = None, functions: Mapping[str, StillWanted] | None = None):
        self._paths = dict(STILL_WANTED if paths is None else paths)
        self._resolved: dict[str, StillWanted] = dict(functions or {})
        self._many_paths = {
            purpose: path
            for purpose, path in STILL_WANTED_MANY.items()
            if paths is None and purpose not in self._resolved
        }  # a function given wins
        self._many: dict[str, StillWantedMany] = {}

    def wanted(self, purpose: str, db: Session, ids: list[int], now: datetime) -> set[int]:
        """The ids among `ids` (all of `purpose`) still wanted now."""
        if purpose in self._many_paths:
            if purpose not in self._many:
                self._many[purpose] = _resolve(self._many_paths[purpose])
            return set(self._many[purpose](db, ids, now))
        return {outbox_id for outbox_id in ids if self.check(purpose, db, outbox_id, now)}

    def check(self, purpose: str, db: Session, outbox_id: int, now: datetime) -> bool:
        hook = self._hook(purpose)
        return True if hook is None else bool(hook(db, outbox_id, now))

    def _hook(self, purpose: str) -> StillWanted | None:
        if purpose not in self._resolved and purpose in self._paths:
            self._resolved[purpose] = _resolve(self._paths[purpose])
        return self._resolved.get(purpose)


def _resolve(path: str) -> Any:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)
