"""Banking actions the menus call, by the names written in YAML (`handler: savings.balance`).

One explicit registry, so a name in a menu can be grepped to its function.
"""

from __future__ import annotations

from gateway.engine.api import Handler

REGISTRY: dict[str, Handler] = {}

__all__ = ["REGISTRY"]
