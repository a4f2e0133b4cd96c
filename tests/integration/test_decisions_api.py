"""The officers' JSON API: staff API keys, roles, and a 4xx (never a 500) for what it cannot do."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from gateway.banking.demo import DAIRY, SEAWEED
from gateway.banking.ledger import SqlBank
from gateway.decisions import web
from gateway.decisions.desk import Desk
from gateway.decisions.scoring import score
from gateway.staff import issue_api_key
from tests.banking_fixtures import NOW, bank, db_engine, demo_bank, pg_engine, sqlite_engine
from tests.decision_support import Clock, FixedScorer, add_staff_members, make_desk, sms_to, submit


@pytest.fixture
def desk(demo_bank: SqlBank) -> Desk:
    made = make_desk(demo_bank, Clock(), FixedScorer())
    add_staff_members(made)
    return made


@pytest.fixture
def client(desk: Desk) -> FlaskClient:
    app = Flask(__name__)
    app.extensions[web.EXTENSION] = desk
    app.register_blueprint(web.bp)
    return app.test_client()


def _key(desk: Desk, username: str) -> dict[str, str]:
    with desk.sessions() as db, db.begin():
        return {"Authorization": f"Bearer {issue_api_key(db, username, NOW, actor='test')}"}


def test_officers_decide_auditors_read_and_everyone_needs_a_key(
    demo_bank: SqlBank, desk: Desk, client: FlaskClient
) -> None:
    reference = submit(demo_bank, desk, DAIRY.msisdn, "dairy_cow", 5_000_000, 12, consent=True)
    other = submit(demo_bank, desk, SEAWEED.msisdn, "seaweed_harvest", 2_000_000, 6, consent=True)
    score(desk, reference)
    score(desk, other)
    officer, auditor, operator = _key(desk, "ani"), _key(desk, "citra"), _key(desk, "dodi")

    assert client.get("/api/applications").status_code == 401
    assert client.get("/api/applications", headers={"Authorization": "Bearer jmb_forged"}).status_code == 401
    assert client.get("/api/applications", headers=operator).status_code == 403
    listed = client.get("/api/applications?state=referred", headers=auditor)
    assert listed.status_code == 200
    assert {a["reference"] for a in listed.get_json()["applications"]} == {reference, other}
    assert client.get("/api/applications?state=nonsense", headers=auditor).status_code == 400
    assert client.get("/api/applications?limit=-1", headers=auditor).status_code == 400
    assert client.get("/api/applications/PJNOSUCH", headers=auditor).status_code == 404

    assert client.post(f"/api/applications/{reference}/approve", headers=auditor, json={}).status_code == 403
    approved = client.post(f"/api/applications/{reference}/approve", headers=officer, json={"reason": "milk"})
    assert approved.status_code == 200 and approved.get_json() == {"reference": reference, "state": "disbursed"}
    assert client.post(f"/api/applications/{reference}/approve", headers=officer, json={}).status_code == 409

    bad = [
        ("decline", b"not json"),
        ("decline", b"[1, 2]"),
        ("decline", b'{"reason_code": "because"}'),
        ("approve", b'{"payout": "gold"}'),
    ]
    for action, body in bad:
        answer = client.post(f"/api/applications/{other}/{action}", headers=officer, data=body)
        assert answer.status_code == 400, (action, body)
    assert client.post(f"/api/applications/{other}/explode", headers=officer).status_code == 404
    declined = client.post(
        f"/api/applications/{other}/decline",
        headers=officer,
        json={"reason_code": "existing_debt", "note": "two loans"},
    )
    assert declined.status_code == 200
    assert "masih ada pinjaman lain" in sms_to(desk, SEAWEED.msisdn)[-1]

    shown = client.get(f"/api/applications/{other}", headers=auditor).get_json()
    assert [d["outcome"] for d in shown["decisions"]] == ["refer", "declined"]
    assert shown["audit"][-1] == {
        "at": shown["audit"][-1]["at"],
        "actor": "ani",
        "action": "application.decline",
        "reason": "existing_debt: two loans",
        "details": {"override": False},
    }
    rescored = client.post(f"/api/applications/{other}/rescore", headers=officer)
    assert rescored.status_code == 200 and rescored.get_json()["outcome"] == "refer"
