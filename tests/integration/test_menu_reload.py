"""An operator's edit takes effect for new calls; calls in flight keep the version they started on."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import create_engine

from gateway.app import create_app
from gateway.runtime import build_runtime
from tests.conftest import FIXTURES, basic_settings
from tests.ussd_support import AfricasTalkingPhone


def copy_fixture(tmp_path: Path) -> tuple[Path, Path]:
    menus, locales = tmp_path / "menus", tmp_path / "locales"
    shutil.copytree(FIXTURES / "basic" / "menus", menus)
    locales.mkdir()
    for path in (FIXTURES / "basic" / "locales").iterdir():
        shutil.copy(path.resolve(), locales / path.name)
    return menus, locales


def test_edit_applies_to_new_sessions_and_spares_sessions_in_flight(tmp_path: Path, redis_client: object) -> None:
    menus, locales = copy_fixture(tmp_path)
    runtime = build_runtime(basic_settings(menus_dir=menus, locales_dir=locales), bank=object(),
                            db_engine=create_engine("sqlite://"))
    client = create_app(runtime=runtime).test_client()
    in_flight = AfricasTalkingPhone(client, "+6281234567890", "old-1")
    in_flight.dial()
    assert in_flight.send("2") == "CON Jumlah pinjaman:\n0 Kembali 00 Menu"

    texts = locales / "id.test.yaml"
    texts.write_text(texts.read_text().replace('"Menu uji"', '"Menu baru"').replace('"Pinjam {amount}?"',
                                                                                      '"Jadi pinjam {amount}?"'))
    runtime.menus.refresh(now=1e12)

    assert in_flight.send("2jt") == "CON Pinjam Rp2.000.000?\n1. Ya\n0 Kembali 00 Menu"
    fresh = AfricasTalkingPhone(client, "+6281234567899", "new-1")
    assert fresh.dial().startswith("CON Menu baru\n1. Saldo")
    fresh.send("2")
    assert fresh.send("2jt") == "CON Jadi pinjam Rp2.000.000?\n1. Ya\n0 Kembali 00 Menu"


def test_an_invalid_edit_is_refused_and_the_old_menu_keeps_serving(tmp_path: Path, redis_client: object) -> None:
    menus, locales = copy_fixture(tmp_path)
    runtime = build_runtime(basic_settings(menus_dir=menus, locales_dir=locales), bank=object(),
                            db_engine=create_engine("sqlite://"))
    version = runtime.menus.current.menu.version
    main = menus / "ussd" / "main.yaml"
    main.write_text(main.read_text().replace("next: balance}", "next: nowhere}"))
    runtime.menus.refresh(now=1e12)
    assert runtime.menus.current.menu.version == version
