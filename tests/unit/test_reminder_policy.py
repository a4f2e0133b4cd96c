"""The reminder policy YAML and its texts: shipped files valid, each broken form names line and fix."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from gateway.banking.calendar import BusinessCalendar
from gateway.engine.problems import Severity
from gateway.i18n import Catalog, Template, load_catalog
from gateway.reminders.policy import DEFAULT_PATH, Policy, Rule, load_policy, read_policy
from gateway.reminders.policy_checks import check_reminders
from gateway.reminders.windows import DailyWindow

ROOT = Path(__file__).resolve().parents[2]
GOOD = """\
reminders:
  window: {start: "08:00", end: "20:00"}
  bank: {legal_name: "PT BPR Uji Coba", phone: "0800-1234-567"}
  rules:
    d_minus_3: {offset_days: -3, text: reminders.before, text_two: reminders.before_two}
    d_plus_1:
      offset_days: 1
      text: reminders.overdue
      text_two: reminders.overdue_two
      products: [dairy_cow]
      required_by_contract: true
"""


def read(text: str) -> tuple[Policy | None, list[str]]:
    return read_policy(text, "menus/reminders.yaml")


def test_shipped_policy_and_texts_are_valid() -> None:
    catalog, problems = load_catalog(ROOT / "locales")
    assert problems == []
    assert check_reminders(ROOT / "menus", catalog) == []
    policy = load_policy(DEFAULT_PATH)
    assert [rule.offset_days for rule in policy.rules] == [-3, -1, 0, 1, 7]
    assert policy.window.start == time(8) and policy.window.end == time(20)


def test_good_policy_is_read() -> None:
    policy, problems = read(GOOD)
    assert problems == [] and policy is not None
    before, late = policy.rules
    assert before.products is None and before.applies_to("anything", "active")
    assert late.overdue and late.applies_to("dairy_cow", "active") and not late.applies_to("patchouli", "active")
    assert not late.applies_to("dairy_cow", "written_off")
    assert not policy.calendar.is_holiday(date(2026, 12, 24))  # no holidays file given: national holidays only
    cuti = BusinessCalendar(frozenset({date(2026, 12, 24)}))
    with_cuti, _ = read_policy(GOOD, "menus/reminders.yaml", cuti)
    assert with_cuti is not None and with_cuti.calendar.is_holiday(date(2026, 12, 24))
    assert policy.rule_for(1) is late and policy.rule_for(5) is None


def test_send_window_before_due_date_ends_with_the_due_date() -> None:
    policy, _ = read(GOOD)
    assert policy is not None
    before = policy.rules[0]
    # Scanned at 21:00 WIB on D-3: it goes at 08:00 on D-2; after the due date it is dropped.
    found = policy.send_window(before, "Asia/Jakarta", date(2026, 12, 4), datetime(2026, 12, 1, 14, tzinfo=UTC))
    assert found is not None and found.start == datetime(2026, 12, 2, 1, tzinfo=UTC)
    assert policy.send_window(before, "Asia/Jakarta", date(2026, 12, 4), datetime(2026, 12, 4, 14, tzinfo=UTC)) is None


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("bank:", "bnak:", "menus/reminders.yaml:3: reminders has unknown key 'bnak' — use one of"),
        (
            '  window: {start: "08:00", end: "20:00"}',
            '  days_off: ["2026-12-24"]',
            "menus/reminders.yaml:2: reminders.days_off is no longer read: days off (cuti bersama) are one list",
        ),
        ('start: "08:00"', "start: 8:00", "menus/reminders.yaml:2: reminders.window.start is 480, not a time of day"),
        ('end: "20:00"', 'end: "07:00"', "menus/reminders.yaml:2: reminders.window ends at 07:00, not after its start"),
        ("offset_days: -3", "offset_days: -99", "menus/reminders.yaml:5: reminders.rules.d_minus_3.offset_days is -99"),
        (
            "offset_days: -3",
            "offset_days: D-3",
            "menus/reminders.yaml:5: reminders.rules.d_minus_3.offset_days is 'D-3'",
        ),
        (
            "offset_days: -3",
            "offset_days: 1",
            "menus/reminders.yaml:6: rules d_minus_3 and d_plus_1 both use offset_days",
        ),
        ("text: reminders.overdue\n", "text: overdue\n", "menus/reminders.yaml:8: reminders.rules.d_plus_1.text is"),
        ("[dairy_cow]", "dairy_cow", "menus/reminders.yaml:10: reminders.rules.d_plus_1.products is 'dairy_cow'"),
        (
            "products: [dairy_cow]",
            "loan_states: [written_off]",
            "menus/reminders.yaml:10: reminders.rules.d_plus_1.loan_states is ['written_off']; paid and written-off",
        ),
        (
            "products: [dairy_cow]",
            'window: {start: "07:00", end: "20:00"}',
            "menus/reminders.yaml:10: reminders.rules.d_plus_1 asks for payment but its window 07:00-20:00",
        ),
        ("products: [dairy_cow]", "color: red", "menus/reminders.yaml:10: reminders.rules.d_plus_1 has unknown key"),
        (
            "offset_days: -3,",
            "offset_days: -3, required_by_contract: true,",
            "menus/reminders.yaml:5: reminders.rules.d_minus_3 comes before the due date but says required_by_contract",
        ),
        ('phone: "0800-1234-567"', "phone: 8001234567", "menus/reminders.yaml:3: reminders.bank.phone is 8001234567"),
        ('legal_name: "PT BPR Uji Coba", ', "", "menus/reminders.yaml:3: reminders.bank.legal_name is None"),
        (
            '  bank: {legal_name: "PT BPR Uji Coba", phone: "0800-1234-567"}\n',
            "",
            "menus/reminders.yaml:2: reminders.bank must name the bank's legal name and phone number",
        ),
    ],
)
def test_broken_policy_names_line_and_fix(old: str, new: str, expected: str) -> None:
    assert old in GOOD
    policy, problems = read(GOOD.replace(old, new, 1))
    assert policy is None
    assert any(p.startswith(expected) and " — " in p for p in problems), problems


def test_yaml_syntax_and_missing_root() -> None:
    assert read("reminders: [")[1][0].startswith("menus/reminders.yaml:")
    assert read("rules: {}\n")[1] == [
        "menus/reminders.yaml:1: no 'reminders:' mapping at the top — start the file with 'reminders:'"
    ]


def _catalog(**texts: str) -> Catalog:
    base = {
        "reminders.before": "{name}: {amount} due {due_date}. BAYAR {pay}. {phone} {bank}",
        "reminders.before_two": "{name}: {amount_1} and {amount_2} ({total}) due {due_date}. {phone} {bank}",
        "reminders.overdue": "{name}: {amount} was due {due_date}. {phone} {bank}",
        "reminders.overdue_two": "{name}: {amount_1} and {amount_2} were due {due_date}. {phone} {bank}",
        "reminders.with_late_fee": "{amount} + denda {late_fee}",
    }
    base.update({f"reminders.{key}": value for key, value in texts.items()})
    table = {key: Template.parse(value, 7, "locales/id.reminders.yaml") for key, value in base.items() if value}
    return Catalog({"id": table, "en": dict(table)}, {"id": "locales/id.yaml", "en": "locales/en.yaml"})


def _check(tmp_path: Path, catalog: Catalog) -> list[str]:
    (tmp_path / "reminders.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "products.yaml").write_text((ROOT / "menus" / "products.yaml").read_text(encoding="utf-8"))
    return [str(problem) for problem in check_reminders(tmp_path, catalog)]


def test_small_catalog_passes(tmp_path: Path) -> None:
    assert _check(tmp_path, _catalog()) == []


@pytest.mark.parametrize(
    ("texts", "expected"),
    [
        (
            {"overdue_two": ""},
            "reminders.yaml:6: text 'reminders.overdue_two' of rule d_plus_1 is missing in locales/id",
        ),
        (
            {"before": "{name}: {amount} due {due_date} {phone} {bank} \u2014 thanks"},
            "'reminders.before' has characters outside GSM-7",
        ),
        (
            {"before": "Halo {name} {amount} {due_date} {phone} {bank} " + "x" * 80},
            "'reminders.before' can reach 161 characters with the longest name, amounts and date and the bank",
        ),
        (
            {"before": "Halo {name} {amount} {due_date} {phone} {bank} " + "x" * 230},
            "'reminders.before' can reach 331 characters once a late fee is due — shorten it to fit 2 SMS",
        ),
        ({"before": "{name}: {amount} due {due_date}"}, "'reminders.before' does not say {bank}, {phone}"),
        ({"with_late_fee": "{amount} (denda)"}, "'reminders.with_late_fee' must use exactly {amount} and {late_fee}"),
        ({"before": "{nama}: {amount} due {due_date}"}, "'reminders.before' uses {nama} — use only"),
        (
            {"before_two": "{name}: {total} due {due_date}"},
            "'reminders.before_two' does not say {amount_1}, {amount_2}",
        ),
    ],
)
def test_text_problems(tmp_path: Path, texts: dict[str, str], expected: str) -> None:
    problems = _check(tmp_path, _catalog(**texts))
    assert any(expected in p and " — " in p for p in problems), problems


def test_a_payment_notice_berhenti_would_stop_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "reminders.yaml").write_text(GOOD.replace("      required_by_contract: true\n", ""), encoding="utf-8")
    (problem,) = check_reminders(tmp_path, _catalog())
    assert problem.severity is Severity.WARNING and problem.line == 6
    assert "rule d_plus_1 asks for payment but is not required_by_contract" in problem.message


def test_unknown_product_is_named(tmp_path: Path) -> None:
    (tmp_path / "reminders.yaml").write_text(GOOD.replace("[dairy_cow]", "[dairy_goat]"), encoding="utf-8")
    (tmp_path / "products.yaml").write_text((ROOT / "menus" / "products.yaml").read_text(encoding="utf-8"))
    (problem,) = map(str, check_reminders(tmp_path, _catalog()))
    assert "rule d_plus_1 names unknown product 'dairy_goat' — use one of" in problem


def test_missing_file(tmp_path: Path) -> None:
    (problem,) = map(str, check_reminders(tmp_path, _catalog()))
    assert "reminders.yaml:1: cannot read the reminder policy" in problem


def test_the_due_day_notice_asks_for_payment_on_collection_days_only() -> None:
    policy, _ = read(GOOD)
    assert policy is not None
    due_day = Rule("d_0", 0, "reminders.due_today", "reminders.due_today_two", DailyWindow())
    assert due_day.asks_payment and not due_day.overdue
    # Due on Sunday 6 December 2026 (a loan from before due dates were rolled): Monday 08:00 WIB instead.
    sunday = date(2026, 12, 6)
    found = policy.send_window(due_day, "Asia/Jakarta", sunday, datetime(2026, 12, 6, 1, tzinfo=UTC))
    assert found is not None and found.start == datetime(2026, 12, 7, 1, tzinfo=UTC)
    # Due on Christmas Day (a national holiday, a Friday): Saturday.
    found = policy.send_window(due_day, "Asia/Jakarta", date(2026, 12, 25), datetime(2026, 12, 25, 1, tzinfo=UTC))
    assert found is not None and found.local_start().date() == date(2026, 12, 26)
    # Due on a Friday and scanned after that evening's window: dropped, not sent the next day beside D+1.
    late = datetime(2026, 12, 4, 14, tzinfo=UTC)
    assert policy.send_window(due_day, "Asia/Jakarta", date(2026, 12, 4), late) is None


def test_shipped_due_day_and_overdue_notices_are_required_by_the_contract() -> None:
    policy = load_policy(DEFAULT_PATH)
    assert {rule.offset_days: rule.required_by_contract for rule in policy.rules} == {
        -3: False,
        -1: False,
        0: True,
        1: True,
        7: True,
    }
    assert policy.bank.legal_name.startswith("PT BPR ")
    assert policy.calendar.is_holiday(date(2026, 12, 24))  # cuti bersama Natal, from menus/holidays.yaml
