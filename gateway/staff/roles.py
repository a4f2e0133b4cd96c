"""Staff roles: who may do what in the console and the officers' API."""

from __future__ import annotations

from enum import Enum


class Role(str, Enum):
    OPERATOR = "operator"
    """Tunes menus and texts: simulator, graph, publish and roll back, drop-offs, message log."""
    OFFICER = "officer"
    """Decides loans and answers complaints."""
    SUPERVISOR = "supervisor"
    """Everything an operator and an officer do, plus the audit log."""
    AUDITOR = "auditor"
    """Reads everything, changes nothing."""


ROLE_NAMES = tuple(role.value for role in Role)
