"""The menu graph, a diff of two releases, and publishing or rolling back from the console (audited)."""

from __future__ import annotations

import pytest
import redis
from flask import Flask
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from gateway.banking.ledger import SqlBank
from gateway.console.access import runtime
from gateway.console.graph import menu_graph
from gateway.console.svg import layered_svg
from gateway.releases import Release
from gateway.releases.operations import make_current
from gateway.staff import Role, audit_entries
from tests.banking_fixtures import NOW, bank, demo_bank, sqlite_engine
from tests.console_support import Browser, add_member, console_app, signed_in


@pytest.fixture
def db_engine(sqlite_engine: Engine) -> Engine:
    return sqlite_engine


@pytest.fixture
def app(redis_client: redis.Redis, demo_bank: SqlBank, db_engine: Engine) -> Flask:
    return console_app(demo_bank, db_engine, NOW)


def _browser(app: Flask, engine: Engine, role: Role) -> Browser:
    return signed_in(app, engine, role, NOW)


def test_the_graph_shows_every_screen_with_its_worst_case_length(app: Flask, db_engine: Engine) -> None:
    browser = _browser(app, db_engine, Role.OPERATOR)
    status, page = browser.page("/console/graph")
    assert status == 200 and "<svg" in page and 'id="screen_start"' in page
    with app.app_context():
        loaded = runtime().menus.current
    graph = menu_graph(loaded.menu, loaded.catalog)
    assert {node.id for node in graph.nodes} == set(loaded.menu.screens)
    assert all(node.worst > 0 for node in graph.nodes if node.kind == "menu")
    assert any(edge.label == "1" for edge in graph.edges)
    assert layered_svg(graph).count('<g id="screen_') == len(graph.nodes)
    assert 'data-drawer="layered"' in browser.page("/console/graph?drawer=layered")[1]


def test_a_diff_marks_the_screens_a_release_adds(app: Flask, db_engine: Engine) -> None:
    browser = _browser(app, db_engine, Role.OPERATOR)
    with app.app_context():
        current = runtime().menus.current.release
        store = runtime().menus.store
    assert store is not None
    files = dict(current.files)
    name = next(n for n in files if n.startswith("ussd/"))
    files[name] = files[name].replace(
        "screens:\n", "screens:\n  extra_screen:\n    type: end\n    text: main.title\n", 1
    )
    older = Release(files)
    make_current(store, older, "publish", "test")
    status, page = browser.page(f"/console/graph/diff?a={older.hash}&b={current.hash}")
    assert status == 200 and "screens removed (1): extra_screen" in page  # unloadable, but compared
    assert browser.page("/console/graph/diff?a=zz&b=current")[0] == 400


def test_publish_and_roll_back_are_audited_and_refused_to_auditors(app: Flask, db_engine: Engine) -> None:
    auditor = _browser(app, db_engine, Role.AUDITOR)
    assert auditor.page("/console/graph")[0] == 200
    assert auditor.post("/console/graph/publish", {"note": "x"}, "/console/graph").status_code == 403
    operator = _browser(app, db_engine, Role.OPERATOR)
    assert operator.post("/console/graph/publish", {"note": "harga baru"}, "/console/graph").status_code == 302
    refused = operator.post("/console/graph/rollback", {"release": "current", "note": ""}, "/console/graph")
    assert refused.status_code == 302
    assert (
        operator.post("/console/graph/rollback", {"release": "abcdef12", "note": "x"}, "/console/graph").status_code
        == 404
    )
    with Session(db_engine) as session:
        entries = audit_entries(session, actor="operator", action="menus.publish")
    assert [(e.action, e.reason) for e in entries] == [("menus.publish", "harga baru")]
