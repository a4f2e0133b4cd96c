"""The pager: a notice opens the caller's page, the page key reads unlike any option, one choice reads right."""

from __future__ import annotations

from gateway.engine.page_checks import check_option_labels
from gateway.engine.reader import read_menu
from gateway.engine.render import Footers, paginate
from gateway.engine.step import advance
from gateway.i18n import Catalog, read_catalog_text
from tests.engine_support import basic_context, walk

NAV = ("0 Kembali 00 Menu",)
LINES = [f"Baris nomor {n} yang cukup panjang untuk mengisi halaman layar." for n in range(1, 9)]


def test_every_page_but_the_last_offers_more_and_every_page_the_navigation() -> None:
    paged = paginate(LINES, 160, "99 Berikut", Footers(NAV, NAV, NAV))
    assert len(paged.pages) > 2
    assert all(page.endswith("\n99 Berikut\n0 Kembali 00 Menu") for page in paged.pages[:-1])
    assert paged.pages[-1].endswith("\n0 Kembali 00 Menu") and "99 Berikut" not in paged.pages[-1]
    assert all(len(page) <= 160 for page in paged.pages)


def test_a_notice_opens_the_page_it_is_placed_at_and_leaves_the_pages_before_it_alone() -> None:
    plain = paginate(LINES, 160, "99 Berikut", Footers(NAV, NAV, NAV))
    at = plain.spans[1][0]
    noticed = paginate(LINES, 160, "99 Berikut", Footers(NAV, NAV, NAV), ["Pilihan tidak ada."], at)
    assert noticed.pages[0] == plain.pages[0]
    page = noticed.page_starting(at)
    assert page == 1
    assert noticed.pages[page].startswith(f"Pilihan tidak ada.\n{LINES[at]}")
    shown = "\n".join(noticed.pages)
    assert all(line in shown for line in LINES)


def test_a_single_option_is_asked_for_as_type_1() -> None:
    ctx = basic_context()
    confirm = walk(ctx, "2", "2jt")
    assert advance(ctx, confirm.state, "7").reply.text.startswith("Pilihan tidak ada. Ketik 1.\nPinjam Rp2.000.000?")
    assert walk(ctx, "9").reply.text.startswith("Pilihan tidak ada. Ketik 1-6.")


def test_an_error_on_a_later_page_stays_on_that_page_and_99_goes_on_from_there() -> None:
    ctx = basic_context()
    outcome = walk(ctx, "3", "99")
    assert outcome.state.page == 1
    second_page = outcome.reply.text
    again = advance(ctx, outcome.state, "x")
    assert again.state.page >= 1
    assert again.reply.text.startswith("Pilihan tidak ada.")
    assert second_page.split("\n")[0] in again.reply.text
    pages = [again.reply.text]
    while "1. Ya" not in pages[-1] and len(pages) < 10:
        again = advance(ctx, again.state, "99")
        pages.append(again.reply.text)
    assert "1. Ya" in pages[-1]
    assert advance(ctx, again.state, "1").reply.text == "Selesai"


def catalog_of(text: str) -> Catalog:
    table, problems = read_catalog_text(text, "id.yaml")
    assert problems == []
    return Catalog({"id": table})


MENU = """
service_codes: ["*1#"]
start: main
screens:
  main: {type: menu, text: t.title, options: [{label: t.go_on, next: done}]}
  done: {type: end, text: t.title}
"""


def test_menus_check_flags_an_option_that_reads_like_the_page_key() -> None:
    menu, _problems = read_menu([("main.yaml", MENU)])
    assert menu is not None
    texts = 'engine: {nav: "0 Kembali 00 Menu", more: "99 Lanjut"}\nt: {title: "Judul", go_on: "Lanjut"}\n'
    problems = [str(p) for p in check_option_labels(menu, catalog_of(texts))]
    assert len(problems) == 1 and "'t.go_on' reads 'Lanjut' like a page key" in problems[0], problems
    fixed = texts.replace("99 Lanjut", "99 Berikut")
    assert check_option_labels(menu, catalog_of(fixed)) == []
