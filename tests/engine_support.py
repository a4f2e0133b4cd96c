"""Drive the pure engine over the test menu without HTTP or Redis."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from gateway.dialog import make_sealer
from gateway.engine.step import Context, Outcome, advance, begin
from gateway.menus import load
from tests.conftest import FIXTURES
from tests.fixtures.basic.handlers import REGISTRY


@dataclass
class FixedServices:
    bank: object = None

    def now(self) -> datetime:
        return datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def basic_context(msisdn: str = "+6281234567890") -> Context:
    loaded, problems = load(FIXTURES / "basic" / "menus", FIXTURES / "basic" / "locales", REGISTRY)
    assert loaded is not None, problems
    return Context(loaded.menu, loaded.catalog, REGISTRY, FixedServices(), make_sealer("k"), msisdn, "sess-1")


def walk(ctx: Context, *inputs: str, lang: str = "id") -> Outcome:
    outcome = begin(ctx, lang)
    for entry in inputs:
        outcome = advance(ctx, outcome.state, entry)
    return outcome
