"""Handler vectors: `tests/vectors/<handler>.yaml`, each a list of cases run in order on one freshly
seeded demo bank (SQLite), at the fixed time `NOW` unless a case says `now:`.

A case: `msisdn`, `lang` (id), `channel` (ussd), `vars`, `value`, `key` (idempotency key; default the
case's name), `setup` (bank calls before the handler, as `[method, arg, ...]`; `$now` is the time),
and `expect: {category, data}`; `data` must match exactly unless `partial: true`. An expected value
`{match: REGEX}` matches text by regular expression (references are random); `same_as: <case>` expects
the very data an earlier case got (a retry with the same key).
Every handler in `handlers.REGISTRY` must have a file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from gateway.banking.demo import seed
from gateway.banking.ledger import SqlBank
from gateway.engine.api import Call
from gateway.i18n import Template, read_catalog_text
from gateway.storage.db import make_engine
from gateway.storage.migrate import upgrade
from gateway.yamlsource import read_yaml
from handlers import REGISTRY
from tests.banking_fixtures import FAST_HASHER, NOW

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors"
LOCALES = ROOT / "locales"


def _catalog() -> dict[str, dict[str, Template]]:
    tables: dict[str, dict[str, Template]] = {}
    for lang in ("id", "en"):
        for part in ("banking", "loans", "repay", "decisions"):
            path = LOCALES / f"{lang}.{part}.yaml"
            table, problems = read_catalog_text(path.read_text(encoding="utf-8"), str(path))
            assert problems == []
            tables.setdefault(lang, {}).update(table)
    return tables


CATALOG = _catalog()


@dataclass
class FakeServices:
    bank: SqlBank
    lang: str
    clock: datetime
    rendered: list[str] = field(default_factory=list)

    def now(self) -> datetime:
        return self.clock

    def text(self, key: str, values: Mapping[str, Any] | None = None) -> str:
        text = CATALOG[self.lang][key].render(values or {}, self.lang)
        if key.startswith("banking."):  # list lines; the loan terms' parts are checked by `menus check`
            self.rendered.append(text)
        return text


def _files() -> list[Path]:
    return sorted(VECTORS.glob("*.yaml"))


def test_every_registered_handler_has_vectors() -> None:
    covered = {path.stem for path in _files()}
    assert sorted(set(REGISTRY) - covered) == [], "add tests/vectors/<handler>.yaml for these"
    assert sorted(covered - set(REGISTRY)) == [], "vectors for handlers that are not registered"


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[SqlBank]:
    engine = make_engine(f"sqlite:///{tmp_path / 'vectors.db'}")
    upgrade(engine)
    yield seed(SqlBank(engine, hasher=FAST_HASHER), NOW)
    engine.dispose()


def _plain(value: Any) -> Any:
    if isinstance(value, bool | str | date) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


def _arg(value: Any, now: datetime) -> Any:
    return now if value == "$now" else value


def _matches(actual: Any, wanted: Any) -> bool:
    if isinstance(wanted, Mapping) and set(wanted) == {"match"}:
        return isinstance(actual, str) and re.fullmatch(wanted["match"], actual) is not None
    if isinstance(wanted, Mapping) and isinstance(actual, Mapping):
        return set(wanted) == set(actual) and all(_matches(actual[k], wanted[k]) for k in wanted)
    return bool(actual == wanted)


def _run_case(bank: SqlBank, handler_name: str, case: Mapping[str, Any], seen: dict[str, Any]) -> None:
    name = case["name"]
    now = case.get("now", NOW)
    for method, *args in case.get("setup", []):
        getattr(bank, method)(*(_arg(a, now) for a in args))
    lang = case.get("lang", "id")
    services = FakeServices(bank, lang, now)
    call = Call(
        msisdn=case["msisdn"],
        lang=lang,
        channel=case.get("channel", "ussd"),
        session_id="s1",
        idempotency_key=str(case.get("key", name)),
        services=services,
        vars=case.get("vars") or {},
        value=case.get("value"),
    )
    result = REGISTRY[handler_name](call)
    expect = case["expect"]
    assert result.category == expect["category"], name
    actual = _plain(result.data)
    seen[name] = actual
    wanted = seen[expect["same_as"]] if "same_as" in expect else _plain(expect.get("data") or {})
    if case.get("partial"):
        actual = {k: v for k, v in actual.items() if k in wanted}
    assert _matches(actual, wanted), f"{name}: got {actual}"
    for text in services.rendered:
        for line in text.splitlines():
            assert len(line) < 30, f"{name}: line too long for a screen: {line!r}"


@pytest.mark.parametrize("path", _files(), ids=lambda p: p.stem)
def test_vectors(path: Path, demo: SqlBank) -> None:
    document = read_yaml(path.read_text(encoding="utf-8"), str(path))
    assert document["handler"] == path.stem
    assert document["cases"], "a vectors file needs at least one case"
    seen: dict[str, Any] = {}
    for case in document["cases"]:
        _run_case(demo, path.stem, case, seen)
