"""Checks of operator files beside the USSD menu, run by `jembatan menus check` and at start-up."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

EXTRA_CHECKS: tuple[Callable[[Path, object], list[str]], ...] = ()
