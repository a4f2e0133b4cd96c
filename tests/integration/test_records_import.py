"""Records in: matched by phone or customer number, bad rows reported by line, a re-import changes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, func, select

from gateway import cli
from gateway.app import MAX_REQUEST_BYTES
from gateway.banking.demo import DAIRY, SEAWEED
from gateway.banking.ledger import SqlBank
from gateway.config import Settings
from gateway.records import web as records_web
from gateway.records.files import csv_rows
from gateway.records.keys import issue_key, revoke
from gateway.records.store import import_rows
from gateway.storage.record_tables import ValueChainRecordRow
from tests.banking_fixtures import NOW, bank, db_engine, demo_bank, pg_engine, sqlite_engine

CSV = """kind,phone,customer_number,date,litres,kg,amount,buyer,reference
milk_delivery,081220150101,,2025-11-01,310.5,,2173500,KPBS Pangalengan,
milk_delivery,,{dairy_number},2025-11-16,298,,2086000,KPBS Pangalengan,
seaweed_sale,+6285239140202,,2025-11-20,,420,3360000,CV Laut Sumba,N-77
milk_delivery,081299999999,,2025-11-01,10,,70000,KPBS Pangalengan,
milk_delivery,081220150101,,2025-13-01,10,,70000,KPBS Pangalengan,
seaweed_sale,+6285239140202,{dairy_number},2025-11-21,,10,80000,CV Laut Sumba,
"""


def _csv(bank: SqlBank) -> str:
    account = bank.savings_balance(DAIRY.msisdn)
    assert account is not None
    return CSV.format(dairy_number=account.number.lstrip("0"))


def _run(*argv: str) -> int:
    """A `jembatan` command as `main` runs it, without configuring logging onto pytest's captured stream."""
    args = cli.parser().parse_args(list(argv))
    return int(args.func(args, Settings.from_env()))


def _count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(ValueChainRecordRow)) or 0)


def test_good_rows_are_kept_bad_ones_reported_by_line_and_a_reimport_changes_nothing(demo_bank: SqlBank) -> None:
    rows = csv_rows(_csv(demo_bank))
    report = import_rows(demo_bank.engine, rows, "file", NOW, NOW.date())
    assert (report.added, report.already_stored) == (3, 0)
    assert [(bad.line, bad.reason) for bad in report.bad] == [
        (5, "no customer has this phone number"),
        (6, "date is '2025-13-01'; write it as YYYY-MM-DD"),
        (7, "phone and customer_number belong to different customers"),
    ]
    again = import_rows(demo_bank.engine, rows, "file", NOW, NOW.date())
    assert (again.added, again.already_stored, len(again.bad)) == (0, 3, 3)
    assert _count(demo_bank.engine) == 3
    with demo_bank.engine.connect() as connection:
        stored = connection.execute(
            select(
                ValueChainRecordRow.value_chain, ValueChainRecordRow.quantity_milli, ValueChainRecordRow.unit
            ).order_by(ValueChainRecordRow.occurred_on)
        ).all()
    assert [tuple(row) for row in stored] == [
        ("dairy", 310_500, "l"),
        ("dairy", 298_000, "l"),
        ("seaweed", 420_000, "kg"),
    ]


def test_the_command_imports_a_file_and_lists_bad_lines(
    sqlite_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from gateway.banking.demo import seed
    from gateway.storage.migrate import upgrade

    upgrade(sqlite_engine)
    bank = seed(SqlBank(sqlite_engine), NOW)
    monkeypatch.setenv("DATABASE_URL", str(sqlite_engine.url))
    path = tmp_path / "koperasi.csv"
    path.write_text(_csv(bank), encoding="utf-8")
    assert _run(*["records", "import", str(path), "--source", "kpbs"]) == 1
    out = capsys.readouterr()
    assert f"{path}: 6 row(s): 3 added, 0 already stored, 3 bad" in out.out
    assert f"{path}:5: no customer has this phone number" in out.err
    assert _run(*["records", "import", str(path)]) == 1
    assert "0 added, 3 already stored" in capsys.readouterr().out
    records = [
        {
            "kind": "seaweed_sale",
            "phone": SEAWEED.msisdn,
            "date": "2025-11-30",
            "kg": 50,
            "amount": 400000,
            "buyer": "CV Laut Sumba",
        }
    ]
    as_json = tmp_path / "laut.json"
    as_json.write_text(json.dumps(records), encoding="utf-8")
    assert _run(*["records", "import", str(as_json)]) == 0
    assert _count(sqlite_engine) == 4


@pytest.fixture
def records_client(demo_bank: SqlBank) -> FlaskClient:
    """The records blueprint as create_app registers it, over the test's database."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.extensions["jembatan"] = SimpleNamespace(db_engine=demo_bank.engine)
    app.register_blueprint(records_web.bp)
    return app.test_client()


def test_the_endpoint_takes_records_from_a_source_with_a_valid_key(
    demo_bank: SqlBank, records_client: FlaskClient
) -> None:
    key = issue_key(demo_bank.engine, "kpbs", NOW)
    body = {
        "records": [
            {
                "kind": "milk_delivery",
                "phone": DAIRY.msisdn,
                "date": "2025-11-30",
                "litres": 20,
                "amount": 140000,
                "buyer": "KPBS",
            },
            {
                "kind": "milk_delivery",
                "phone": DAIRY.msisdn,
                "date": "someday",
                "litres": 20,
                "amount": 1,
                "buyer": "K",
            },
        ]
    }
    answer = records_client.post("/records", json=body, headers={"Authorization": f"Bearer {key}"})
    assert answer.status_code == 200
    assert answer.get_json() == {
        "added": 1,
        "already_stored": 0,
        "refused": [{"item": 2, "reason": "date is 'someday'; write it as YYYY-MM-DD"}],
    }
    again = records_client.post("/records", json=body["records"][:1], headers={"X-Api-Key": key})
    assert again.get_json()["already_stored"] == 1
    assert _count(demo_bank.engine) == 1
    revoke(demo_bank.engine, "kpbs", NOW)
    assert records_client.post("/records", json=body, headers={"Authorization": f"Bearer {key}"}).status_code == 401


HOSTILE_BODIES = [
    (b"not json", 400),
    (b'{"records": "many"}', 400),
    (b"[]", 400),
    (b"\xff\xfe", 400),
    (b'[{"kind": "milk_delivery"}]', 422),
    (b"[1, 2]", 422),
    (b'{"records": [[]]}', 422),
    (b'[{"kind": "milk_delivery", "phone": {"a": 1}}]', 422),
    (b"[" + b"[" * 5000 + b"]" * 5000 + b"]", 400),
]


def test_hostile_bodies_get_a_4xx_never_a_500(demo_bank: SqlBank, records_client: FlaskClient) -> None:
    key = issue_key(demo_bank.engine, "kpbs", NOW)
    statuses = [
        records_client.post(
            "/records", data=body, headers={"Authorization": f"Bearer {key}"}, content_type="application/json"
        ).status_code
        for body, _ in HOSTILE_BODIES
    ]
    assert statuses == [status for _, status in HOSTILE_BODIES]


def test_no_key_or_a_wrong_one_is_refused(records_client: FlaskClient) -> None:
    assert records_client.post("/records", json=[]).status_code == 401
    assert records_client.post("/records", json=[], headers={"Authorization": "Bearer jrs_nope"}).status_code == 401


def test_a_database_without_the_tables_is_a_503_and_a_plain_message(
    sqlite_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    app = Flask(__name__)
    app.extensions["jembatan"] = SimpleNamespace(db_engine=sqlite_engine)  # never migrated
    app.register_blueprint(records_web.bp)
    answer = app.test_client().post("/records", json=[{}], headers={"Authorization": "Bearer jrs_" + "k" * 40})
    assert answer.status_code == 503
    path = tmp_path / "koperasi.csv"
    path.write_text(CSV.format(dairy_number="1"), encoding="utf-8")
    monkeypatch.setenv("DATABASE_URL", str(sqlite_engine.url))
    assert _run("records", "import", str(path)) == 1
    assert "is it migrated?" in capsys.readouterr().err
