"""Fuzz the USSD endpoints and /healthz: any request gets a 4xx or an END/CON in the adapter's format, never a 5xx.

Each test splits its examples over request shapes (well-formed fields with hostile values, raw bytes, wrong
content types, bodies around the 16 KiB limit, wrong methods), so every shape is sent in every run.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from werkzeug.test import TestResponse

from gateway.app import MAX_REQUEST_BYTES
from tests.fuzz.support import (
    FORM_TYPE,
    Fuzzer,
    Wire,
    deep_json,
    encode_form,
    fields,
    fuzz,
    json_bytes,
    nasty_text,
    other_content_type,
    other_method,
    padded,
    plausible_fields,
    raw_bytes,
    value,
    wires,
)

SCREEN_LIMIT = 182
PHONES = ["+6281220150101", "081220150101", "6285239140202", "+6282146180404", "+6281234567890", "12", "+14155550123"]
SESSIONS = ["fz-1", "fz-2", "ATUid_3"]
CODES = ["*123#", "*999#", "*123*1#"]
INPUTS = ["", "1", "1*1", "1*1*482915", "1*1*000000", "2", "2*1", "3*1", "0", "00", "99", "1*99*99", "5*2"]
AT_SPEC = {"sessionId": SESSIONS, "serviceCode": CODES, "phoneNumber": PHONES, "networkCode": ["51010"], "text": INPUTS}
VALID_AT = {"sessionId": "fz-1", "serviceCode": "*123#", "phoneNumber": "+6281220150101", "text": ""}
AT = "/ussd/africastalking"
JSON = "/ussd/json"


def a_screen(wire: Wire, response: TestResponse) -> None:
    if wire.method == "POST":
        text = response.get_data(as_text=True)
        assert response.mimetype == "text/plain" and text.startswith(("CON ", "END ")), text[:200]
        assert len(text) - 4 <= SCREEN_LIMIT


def test_africastalking_answers_any_request_with_a_4xx_or_a_screen(fuzzer: Fuzzer) -> None:
    form = fields(AT_SPEC).map(encode_form)
    fuzz(fuzzer, AT, AT, wires("POST", plausible_fields(AT_SPEC).map(encode_form)), 0.25, a_screen)
    fuzz(fuzzer, AT, AT, wires("POST", form), 0.25, a_screen)
    fuzz(fuzzer, AT, AT, wires("POST", raw_bytes(), st.sampled_from([FORM_TYPE, ""]), raw_bytes()), 0.2, a_screen)
    fuzz(fuzzer, AT, AT, wires("POST", form, other_content_type(FORM_TYPE)), 0.1, a_screen)
    fuzz(fuzzer, AT, AT, wires("POST", padded(encode_form(VALID_AT))), 0.1, a_screen)
    fuzz(fuzzer, AT, AT, wires(other_method("POST"), form), 0.1)


def json_values() -> st.SearchStrategy[Any]:
    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), nasty_text())
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(nasty_text(5), inner, max_size=3),
        max_leaves=8,
    )


def contract_bodies() -> st.SearchStrategy[dict[str, Any]]:
    """The contract's fields, each mostly plausible, sometimes hostile, of another JSON type, or missing."""

    def field(plausible: list[Any]) -> st.SearchStrategy[Any]:
        return st.one_of(
            st.sampled_from(plausible), value([str(p) for p in plausible]), st.sampled_from(plausible), json_values()
        )

    spec = {
        "sessionId": field(SESSIONS),
        "msisdn": field(PHONES),
        "serviceCode": field(CODES),
        "sequence": field([1, 2, 3, 4, 10_000, 10_001, 0, -1]),
        "input": field(["", "1", "482915", "0", "99"]),
    }
    optional = {name: st.one_of(strategy, strategy, strategy, st.just(None)) for name, strategy in spec.items()}
    return st.fixed_dictionaries(optional).map(lambda body: {k: v for k, v in body.items() if v is not None})


def contract_reply(wire: Wire, response: TestResponse) -> None:
    if wire.method == "POST":
        reply = response.get_json()
        assert response.mimetype == "application/json" and isinstance(reply, dict), response.get_data()[:200]
        assert set(reply) == {"sessionId", "message", "continue"}
        assert isinstance(reply["message"], str) and len(reply["message"]) <= SCREEN_LIMIT
        if response.status_code >= 400:
            assert reply["continue"] is False


def test_json_contract_answers_any_request_with_a_4xx_or_its_reply(fuzzer: Fuzzer) -> None:
    contract = st.builds(json_bytes, contract_bodies(), st.booleans())
    huge = st.integers(MAX_REQUEST_BYTES - 200, MAX_REQUEST_BYTES + 2000).map(
        lambda size: json_bytes(
            {"sessionId": "fz-9", "msisdn": PHONES[0], "serviceCode": "*123#", "sequence": 1, "input": "1" * size}, True
        )
    )
    kind = "application/json"
    plausible = plausible_fields(
        {"sessionId": SESSIONS, "msisdn": PHONES, "serviceCode": CODES, "input": ["", "1", "482915", "0", "99", "2"]}
    )
    numbered = st.builds(
        lambda body, sequence: json_bytes({**body, "sequence": sequence}, True), plausible, st.integers(1, 6)
    )
    fuzz(fuzzer, JSON, JSON, wires("POST", numbered, kind), 0.2, contract_reply)
    fuzz(fuzzer, JSON, JSON, wires("POST", contract, kind), 0.2, contract_reply)
    fuzz(
        fuzzer,
        JSON,
        JSON,
        wires("POST", st.builds(json_bytes, json_values(), st.booleans()), kind),
        0.1,
        contract_reply,
    )
    fuzz(fuzzer, JSON, JSON, wires("POST", deep_json(), kind), 0.1, contract_reply)
    fuzz(fuzzer, JSON, JSON, wires("POST", raw_bytes(), kind), 0.1, contract_reply)
    fuzz(fuzzer, JSON, JSON, wires("POST", huge, kind), 0.1, contract_reply)
    fuzz(fuzzer, JSON, JSON, wires("POST", contract, other_content_type(kind)), 0.1, contract_reply)
    fuzz(fuzzer, JSON, JSON, wires(other_method("POST"), contract, kind), 0.1)


def health_state(wire: Wire, response: TestResponse) -> None:
    if wire.method == "GET" and response.status_code != 400:  # 400: a query string that is not UTF-8
        assert response.status_code == 200 and response.get_json()["redis"] == "ok"


def test_healthz_answers_any_request(fuzzer: Fuzzer) -> None:
    header_value = st.text(st.characters(codec="latin-1", exclude_characters="\r\n"), max_size=40)
    headers = st.lists(
        st.tuples(st.sampled_from(["Accept", "X-Forwarded-For", "Cookie", "Range"]), header_value), max_size=2
    ).map(tuple)
    query = st.one_of(raw_bytes(), fields({"verbose": ["1"]}).map(encode_form))
    fuzz(fuzzer, "/healthz", "/healthz", wires("GET", b"", "", query, headers), 0.6, health_state)
    fuzz(
        fuzzer,
        "/healthz",
        "/healthz",
        wires(other_method("GET"), raw_bytes(), st.sampled_from(["", FORM_TYPE])),
        0.4,
        health_state,
    )
