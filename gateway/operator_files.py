"""Checks of operator files beside the USSD menu, run by `jembatan menus check` and `menus publish`.

Each check takes the menus folder and the loaded locale catalogue and returns Problems
(gateway/engine/problems.py), each an error or a warning; `gateway.menus.check_all` collects them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from gateway.banking.calendar import check_holidays
from gateway.banking.products import check_products
from gateway.complaints.checks import check_complaints
from gateway.decisions.checks import check_decisions
from gateway.engine.problems import Problem
from gateway.reminders import check_reminders
from gateway.scoring.checks import check_scoring
from gateway.sms.keyword_checks import check_sms

OperatorCheck = Callable[[Path, object], list[Problem]]


def _products(menus_dir: Path, _catalog: object) -> list[Problem]:
    return check_products(menus_dir / "products.yaml")


EXTRA_CHECKS: tuple[OperatorCheck, ...] = (
    _products,
    check_sms,
    check_reminders,
    check_scoring,
    check_holidays,
    check_complaints,
    check_decisions,
)
