"""Value-chain records: each field checked with a reason an operator can act on; files read with lines."""

from __future__ import annotations

from datetime import date

import pytest

from gateway.records.files import UnreadableFile, csv_rows, json_rows
from gateway.records.parse import BadRecord, RecordKind, parse_record

TODAY = date(2025, 12, 5)
MILK = {
    "kind": "milk_delivery",
    "phone": "0812-2015-0101",
    "date": "2025-12-01",
    "litres": "12,5",
    "amount": "87.500",
    "buyer": "KPBS Pangalengan",
}


def test_a_milk_delivery_is_read_in_millilitres_and_rupiah() -> None:
    record = parse_record(MILK, TODAY)
    assert record.kind is RecordKind.MILK_DELIVERY
    assert (record.phone, record.customer_number) == ("+6281220150101", None)
    assert (record.quantity_milli, record.amount, record.occurred_on) == (12_500, 87_500, date(2025, 12, 1))
    assert record.kind.value_chain == "dairy"


def test_the_natural_key_ignores_how_the_buyer_is_spaced_or_cased() -> None:
    one = parse_record(MILK, TODAY)
    two = parse_record({**MILK, "buyer": "  kpbs   PANGALENGAN "}, TODAY)
    assert one.row_hash(7) == two.row_hash(7)
    assert one.row_hash(7) != one.row_hash(8)
    assert one.row_hash(7) != parse_record({**MILK, "reference": "R-2"}, TODAY).row_hash(7)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"kind": "cocoa_sale"}, "kind is 'cocoa_sale'"),
        ({"phone": None}, "no phone and no customer_number"),
        ({"phone": "12"}, "phone is not a usable phone number"),
        ({"date": "01/12/2025"}, "write it as YYYY-MM-DD"),
        ({"date": "2025-12-06"}, "in the future"),
        ({"litres": "-3"}, "litres must be more than 0"),
        ({"litres": None, "kg": "4"}, "litres is '', not a number"),
        ({"amount": "87500.50"}, "amount must be whole rupiah"),
        ({"buyer": ""}, "buyer must name"),
        ({"colour": "red"}, "unknown field 'colour'"),
        ({"amount": True}, "amount must be text or a number"),
    ],
)
def test_a_bad_field_is_named_with_its_fix(change: dict[str, object], reason: str) -> None:
    raw = {key: value for key, value in {**MILK, **change}.items() if value is not None}
    with pytest.raises(BadRecord, match=reason.replace("(", r"\(")):
        parse_record(raw, TODAY)


def test_a_sale_is_in_kg_and_a_customer_number_is_padded() -> None:
    raw = {
        "kind": "seaweed_sale",
        "customer_number": "42",
        "date": "2025-11-20",
        "kg": 310,
        "amount": 2_480_000.0,
        "buyer": "CV Laut Sumba",
    }
    record = parse_record(raw, TODAY)
    assert (record.customer_number, record.quantity_milli, record.amount) == ("0000000042", 310_000, 2_480_000)


def test_csv_rows_carry_their_line_and_a_row_with_extra_values_is_flagged() -> None:
    rows = csv_rows("kind,phone,amount\nmilk_delivery,0812,100\n\nmilk_delivery,0813,5,extra\n")
    assert [(row.line, row.problem) for row in rows] == [
        (2, ""),
        (4, "the row has more values than the header has names"),
    ]


def test_json_arrays_and_json_lines_carry_the_line_each_record_starts_on() -> None:
    array = json_rows('[\n  {"kind": "a"},\n\n  {"kind": "b"}\n]')
    assert [(row.line, row.fields) for row in array] == [(2, {"kind": "a"}), (4, {"kind": "b"})]
    lines = json_rows('{"kind": "a"}\n{broken\n{"kind": "c"}\n')
    assert [(row.line, bool(row.problem)) for row in lines] == [(1, False), (2, True), (3, False)]
    wrapped = json_rows('{"records": [{"kind": "a"}]}')
    assert [row.fields for row in wrapped] == [{"kind": "a"}]
    with pytest.raises(UnreadableFile):
        json_rows('[{"kind": "a"} {"kind": "b"}]')


def test_a_long_wrong_value_is_repeated_only_in_part() -> None:
    with pytest.raises(BadRecord) as refused:
        parse_record({**MILK, "kind": "x" * 500}, TODAY)
    assert len(str(refused.value)) < 120 and "xxx...'" in str(refused.value)


def test_json_nested_too_deep_is_refused_not_a_crash() -> None:
    deep = "[" * 5000 + "]" * 5000
    with pytest.raises(UnreadableFile):
        json_rows(f"[{deep}]")
    with pytest.raises(UnreadableFile):
        json_rows('{"kind": ' + deep + '}\n{"kind": "a"}\n')
