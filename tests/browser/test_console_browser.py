"""The console in a real browser (chromium through Playwright): log in, walk the simulator to a balance and
to a loan disclosure, save a transcript, the graph and a diff, approve a referred application and see its
SMS in the message log, and an operator refused the officers' pages."""

from __future__ import annotations

from pathlib import Path

import yaml
from playwright.sync_api import Page, expect

from gateway.banking.demo import DAIRY, PATCHOULI, SEAWEED
from gateway.decisions.scoring import score
from gateway.decisions.web import EXTENSION as DECISIONS
from gateway.staff import Role
from tests.browser.conftest import Console, log_in
from tests.decision_support import submit
from tests.ussd_support import AfricasTalkingPhone


def _send(page: Page, entry: str) -> None:
    page.fill("#input", entry)
    page.click("#send")


def test_an_operator_walks_the_simulator_to_the_balance_and_saves_the_transcript(page: Page, console: Console) -> None:
    log_in(page, console, Role.OPERATOR)
    expect(page).to_have_url(f"{console.url}/console/simulator")
    page.select_option("#phone", DAIRY.msisdn)
    page.click("#dial")
    expect(page.locator("#screen")).to_contain_text("CON Selamat datang")
    _send(page, "1")
    _send(page, "1")
    expect(page.locator("#input")).to_have_attribute("type", "password")
    _send(page, DAIRY.pin or "")
    expect(page.locator("#screen")).to_contain_text("Saldo rekening")
    expect(page.locator("#chars")).to_contain_text("dari 160 karakter")
    console.shot(page, "simulator-balance")
    with page.expect_download() as download:
        page.click("#save-transcript")
    saved = yaml.safe_load(Path(download.value.path()).read_text(encoding="utf-8"))
    assert [turn["input"] for turn in saved["turns"]] == ["", "1", "1", "<PIN>"]


def test_the_simulator_reaches_a_loan_disclosure(page: Page, console: Console) -> None:
    log_in(page, console, Role.OPERATOR)
    page.select_option("#phone", DAIRY.msisdn)
    page.click("#dial")
    for entry in ("2", "1"):
        _send(page, entry)
    for _ in range(6):  # products, tenors, amount and purpose, whichever order the menus ask them in
        screen = page.locator("#screen").inner_text()
        if "Total bayar" in screen or "Bunga" in screen:
            break
        if "Berapa bulan" in screen or "bulan" in screen.splitlines()[-2:][0]:
            _send(page, "2")
        elif "Jumlah pinjaman" in screen:
            _send(page, "3000000")
        elif "Untuk apa" in screen:
            _send(page, "beli pakan")
        else:
            _send(page, "1")
    expect(page.locator("#screen")).to_contain_text("Bunga")
    console.shot(page, "simulator-loan-disclosure")


def test_the_graph_and_a_diff(page: Page, console: Console) -> None:
    log_in(page, console, Role.OPERATOR)
    page.goto(f"{console.url}/console/graph")
    expect(page.locator("#graph svg")).to_be_visible()
    expect(page.locator("#graph #screen_start")).to_have_count(1)
    console.shot(page, "graph")
    page.goto(f"{console.url}/console/graph/diff?a=current&b=files")
    expect(page.locator("#changes")).to_be_visible()
    console.shot(page, "graph-diff")


def test_an_officer_approves_a_referred_application_and_the_sms_is_in_the_log(page: Page, console: Console) -> None:
    desk = console.app.extensions[DECISIONS]
    reference = submit(console.bank, desk, DAIRY.msisdn, "dairy_cow", 5_000_000, 12, consent=True)
    score(desk, reference)
    log_in(page, console, Role.OFFICER)
    page.goto(f"{console.url}/console/applications")
    page.click(f"text={reference}")
    expect(page.locator("#app-state")).to_have_text("referred")
    console.shot(page, "application-referred")
    page.fill("#approve-note", "catatan setoran susu teratur")
    page.click("#approve")
    expect(page.locator("#app-state")).to_have_text("disbursed")
    page.goto(f"{console.url}/console/messages?direction=out")
    expect(page.locator("#message-log")).to_contain_text("disetujui")
    expect(page.locator("#message-log")).to_contain_text("+62812****0101")
    console.shot(page, "message-log")


def test_an_operator_cannot_open_the_officers_pages(page: Page, console: Console) -> None:
    log_in(page, console, Role.OPERATOR)
    response = page.goto(f"{console.url}/console/applications")
    assert response is not None and response.status == 403
    expect(page.locator("h1")).to_have_text("Tidak boleh dibuka")
    console.shot(page, "operator-forbidden")


def test_the_funnel_after_a_few_scripted_calls(page: Page, console: Console) -> None:
    from gateway.funnels import roll_up

    for number, session_id in ((DAIRY.msisdn, "b-1"), (SEAWEED.msisdn, "b-2"), (PATCHOULI.msisdn, "b-3")):
        phone = AfricasTalkingPhone(console.app.test_client(), number, session_id)
        phone.dial()
        if session_id != "b-3":
            phone.send("2")  # loans; the third caller hangs up at the main menu
    runtime = console.app.extensions["jembatan"]
    assert roll_up(runtime.redis, runtime.db_engine) > 0
    log_in(page, console, Role.SUPERVISOR)
    page.goto(f"{console.url}/console/funnels")
    funnel = page.locator("#funnel-loan_application + table")
    expect(funnel.locator("tr", has_text="main").locator("td.num")).to_have_text("3")
    expect(funnel.locator("tr", has_text="loans").first.locator("td.num")).to_have_text("2")
    console.shot(page, "funnels")
