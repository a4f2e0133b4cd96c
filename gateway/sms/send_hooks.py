"""`still_wanted` hooks: a feature that queued an SMS may cancel it at the last moment, by purpose.

The registry is explicit (greppable, no registration by import side effect): a purpose maps to the
dotted path of `f(db, outbox_id, now) -> bool`, imported on first use in the worker. It runs in a
transaction of its own, after the row is claimed and before the provider is called; False cancels the
send (the hook may mark the row itself, e.g. `suppressed` with a reason). Reminders, for example,
answer False for a reminder whose instalment has been paid meanwhile.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from datetime import datetime
from types import MappingProxyType

from sqlalchemy.orm import Session

StillWanted = Callable[[Session, int, datetime], bool]

STILL_WANTED: Mapping[str, str] = MappingProxyType({"reminder": "gateway.reminders.sendcheck:still_wanted"})
"""purpose -> `module:function`. A purpose without a hook is always still wanted."""


class StillWantedHooks:
    """Resolves the registry's paths once per process; tests may pass functions directly."""

    def __init__(self, paths: Mapping[str, str] | None = None, functions: Mapping[str, StillWanted] | None = None):
        self._paths = dict(STILL_WANTED if paths is None else paths)
        self._resolved: dict[str, StillWanted] = dict(functions or {})

    def check(self, purpose: str, db: Session, outbox_id: int, now: datetime) -> bool:
        hook = self._hook(purpose)
        return True if hook is None else bool(hook(db, outbox_id, now))

    def _hook(self, purpose: str) -> StillWanted | None:
        if purpose not in self._resolved and purpose in self._paths:
            module, _, name = self._paths[purpose].partition(":")
            self._resolved[purpose] = getattr(importlib.import_module(module), name)
        return self._resolved.get(purpose)
