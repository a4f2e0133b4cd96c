"""Fuzz the USSD endpoints and /healthz: any request gets a 4xx or an END/CON in the adapter's format, never a 5xx."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from gateway.app import MAX_REQUEST_BYTES
from tests.fuzz.support import (
    FORM_TYPE,
    Fuzzer,
    Wire,
    content_type,
    deep_json,
    encode_form,
    fields,
    fuzz_settings,
    json_bytes,
    method,
    nasty_text,
    padded,
    raw_bytes,
    value,
)

SCREEN_LIMIT = 182
PHONES = ["+6281220150101", "081220150101", "6285239140202", "+6282146180404", "+6281234567890", "12", "+14155550123"]
SESSIONS = ["fz-1", "fz-2", "ATUid_3"]
CODES = ["*123#", "*999#", "*123*1#"]
INPUTS = ["", "1", "1*1", "1*1*482915", "1*1*000000", "2", "2*1", "3*1", "0", "00", "99", "1*99*99", "5*2"]
AT_SPEC = {"sessionId": SESSIONS, "serviceCode": CODES, "phoneNumber": PHONES, "networkCode": ["51010"],
           "text": INPUTS}
VALID_AT = {"sessionId": "fz-1", "serviceCode": "*123#", "phoneNumber": "+6281220150101", "text": ""}


@st.composite
def africastalking_wires(draw: st.DrawFn) -> Wire:
    form = draw(fields(AT_SPEC))
    body = draw(st.one_of(st.just(encode_form(form)), raw_bytes(), padded(encode_form(VALID_AT))))
    query = draw(st.one_of(st.just(b""), st.just(b""), raw_bytes()))
    return Wire(draw(method("POST")), query, body, draw(content_type(FORM_TYPE)))


def test_africastalking_answers_any_request_with_a_4xx_or_a_screen(fuzzer: Fuzzer) -> None:
    @fuzz_settings()
    @given(wire=africastalking_wires())
    def run(wire: Wire) -> None:
        response = fuzzer.send("/ussd/africastalking", "/ussd/africastalking", wire)
        if wire.method == "POST":
            text = response.get_data(as_text=True)
            assert response.mimetype == "text/plain" and text.startswith(("CON ", "END ")), text[:200]
            assert len(text) - 4 <= SCREEN_LIMIT

    run()


def json_values() -> st.SearchStrategy[Any]:
    scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), nasty_text())
    return st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(nasty_text(5), inner,
                                                                                            max_size=3), max_leaves=8)


def contract_bodies() -> st.SearchStrategy[dict[str, Any]]:
    def field(plausible: list[Any]) -> st.SearchStrategy[Any]:
        return st.one_of(st.sampled_from(plausible), value([str(p) for p in plausible]), json_values())

    spec = {"sessionId": field(SESSIONS), "msisdn": field(PHONES), "serviceCode": field(CODES),
            "sequence": field([1, 2, 3, 4, 10_000, 10_001, 0, -1]), "input": field(["", "1", "482915", "0", "99"])}
    optional = {name: st.one_of(strategy, st.just(None)) for name, strategy in spec.items()}
    return st.fixed_dictionaries(optional).map(lambda body: {k: v for k, v in body.items() if v is not None})


@st.composite
def json_wires(draw: st.DrawFn) -> Wire:
    document = draw(st.one_of(contract_bodies(), contract_bodies(), json_values()))
    body = draw(st.one_of(
        st.builds(json_bytes, st.just(document), st.booleans()),
        deep_json(),
        raw_bytes(),
        st.integers(MAX_REQUEST_BYTES - 200, MAX_REQUEST_BYTES + 2000).map(
            lambda size: json_bytes({"sessionId": "fz-9", "msisdn": PHONES[0], "serviceCode": "*123#",
                                     "sequence": 1, "input": "1" * size}, True)),
    ))
    return Wire(draw(method("POST")), b"", body, draw(content_type("application/json")))


def test_json_contract_answers_any_request_with_a_4xx_or_its_reply(fuzzer: Fuzzer) -> None:
    @fuzz_settings()
    @given(wire=json_wires())
    def run(wire: Wire) -> None:
        response = fuzzer.send("/ussd/json", "/ussd/json", wire)
        if wire.method == "POST":
            reply = response.get_json()
            assert response.mimetype == "application/json" and isinstance(reply, dict), response.get_data()[:200]
            assert set(reply) == {"sessionId", "message", "continue"}
            assert isinstance(reply["message"], str) and len(reply["message"]) <= SCREEN_LIMIT
            if response.status_code >= 400:
                assert reply["continue"] is False

    run()


@st.composite
def health_wires(draw: st.DrawFn) -> Wire:
    query = draw(st.one_of(st.just(b""), raw_bytes(), fields({"verbose": ["1"]}).map(encode_form)))
    headers = draw(st.lists(st.tuples(st.sampled_from(["Accept", "X-Forwarded-For", "Cookie", "Range"]),
                                      st.text(st.characters(codec="latin-1", exclude_characters="\r\n"),
                                              max_size=40)), max_size=2))
    body = draw(st.one_of(st.just(b""), raw_bytes()))
    return Wire(draw(method("GET")), query, body, draw(st.sampled_from(["", FORM_TYPE])), tuple(headers))


def test_healthz_answers_any_request(fuzzer: Fuzzer) -> None:
    @fuzz_settings()
    @given(wire=health_wires())
    def run(wire: Wire) -> None:
        response = fuzzer.send("/healthz", "/healthz", wire)
        if wire.method == "GET":
            assert response.status_code == 200 and response.get_json()["redis"] == "ok"

    run()
