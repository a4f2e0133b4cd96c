from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import create_engine

from gateway.app import create_app
from gateway.runtime import build_runtime
from tests.conftest import basic_settings


def test_healthz_is_200_when_redis_and_the_database_answer(basic_client: FlaskClient) -> None:
    response = basic_client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["redis"] == "ok"
    assert response.get_json()["database"] == "ok"


def test_healthz_is_503_when_redis_is_down(redis_client: object) -> None:
    settings = basic_settings(redis_url="redis://127.0.0.1:1/0")
    runtime = build_runtime(settings, bank=object(), db_engine=create_engine("sqlite://"))
    response = create_app(runtime=runtime).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["redis"].startswith("down")


def test_healthz_is_503_when_the_database_is_down(redis_client: object) -> None:
    engine = create_engine("postgresql+psycopg://nobody@127.0.0.1:1/none", connect_args={"connect_timeout": 1})
    runtime = build_runtime(basic_settings(), bank=object(), db_engine=engine)
    response = create_app(runtime=runtime).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"].startswith("down")


def test_the_app_refuses_to_start_on_invalid_menus_with_the_check_messages(tmp_path, redis_client) -> None:  # type: ignore[no-untyped-def]
    import pytest

    from gateway.menus import InvalidMenus
    from tests.conftest import FIXTURES, ROOT

    (tmp_path / "ussd").mkdir()
    (tmp_path / "ussd" / "main.yaml").write_text((ROOT / "tests/broken_menus/unknown_next/menu.yaml").read_text())
    with pytest.raises(InvalidMenus) as raised:
        build_runtime(basic_settings(menus_dir=tmp_path), bank=object(), db_engine=create_engine("sqlite://"))
    assert "main.yaml:9: screen 'main': option 'next' goes to unknown screen 'balanse'" in str(raised.value)
    assert FIXTURES.exists()
