"""Fuzz the SMS endpoints: signed and unsigned Twilio webhooks, status callbacks, the aggregator (GET and POST),
its delivery reports and the sandbox. Any request gets an answer below 500 (storage never fails here, so the
one documented 5xx, a message that cannot be stored, must not appear) and a refused one stores nothing."""

from __future__ import annotations

from hypothesis import strategies as st
from werkzeug.test import TestResponse

from tests.fuzz.support import (
    AGGREGATOR_SECRET,
    FORM_TYPE,
    Fuzzer,
    Wire,
    encode_form,
    fields,
    fuzz,
    other_content_type,
    other_method,
    padded,
    plausible_fields,
    raw_bytes,
    twilio_signature,
    wires,
)

SENDERS = ["+6281220150101", "081220150101", "6285239140202", "+6282146180404", "+14155550123", "12", ""]
BODIES = [
    "SALDO",
    "JADWAL",
    "MUTASI",
    "BAYAR 500000",
    "PINJAM 1000000 6",
    "STOP",
    "MULAI",
    "BANTUAN",
    "BAHASA EN",
    "482913",
    "",
    " ",
]
SIDS = ["SM" + "0" * 32, "SM" + "f" * 32, "SMx", "", "SM" + "1" * 200]
TWILIO_SPEC = {
    "From": SENDERS,
    "To": ["+15005550006", ""],
    "Body": BODIES,
    "MessageSid": SIDS,
    "SmsSid": SIDS,
    "OptOutType": ["STOP", "START", "HELP", "x"],
    "NumSegments": ["1", "x"],
}
STATUS_SPEC = {
    "MessageSid": SIDS,
    "SmsSid": SIDS,
    "ErrorCode": ["30003", "", "²", "٣", "9" * 30, "-1", "1.5"],
    "MessageStatus": ["queued", "sent", "delivered", "undelivered", "failed", "read", "DELIVERED", "x"],
    "SmsStatus": ["sent", "x"],
}
OUTBOX_QUERIES = ["", "outbox=1", "outbox=²", "outbox=" + "9" * 30, "outbox=-1", "outbox=%FF", "outbox=1&outbox=2"]
AGGREGATOR_SPEC = {
    "original": SENDERS,
    "sendto": ["1234", ""],
    "messageid": ["m1", "m2", "", "x" * 128, "x" * 129],
    "message": BODIES,
}
DELIVERED_SPEC = {"status": ["10", "30", "20", "", "x", "²"], "messageid": ["1", "1.2", "m1", "", "x" * 300]}
CREDENTIAL_HEADER = "X-Aggregator-Credential"
SIGNATURE = "X-Twilio-Signature"


@st.composite
def signed_wires(draw: st.DrawFn, path: str, spec: dict[str, list[str]], queries: list[str]) -> Wire:
    """A form signed as Twilio signs it, for the URL with its query string (fields: any text but lone surrogates,
    which cannot be signed)."""
    form = draw(fields(spec, clean=True))
    query = draw(st.sampled_from(queries)).encode()
    return Wire("POST", query, encode_form(form), FORM_TYPE, ((SIGNATURE, twilio_signature(path, query, form)),))


def signed_huge(path: str) -> st.SearchStrategy[Wire]:
    """Bodies around the 16 KiB limit, correctly signed."""

    @st.composite
    def build(draw: st.DrawFn) -> Wire:
        padding = draw(padded(b"From=%2B6281220150101"))
        form = {"From": "+6281220150101", "pad": padding.split(b"&pad=")[1].decode()}
        return Wire("POST", b"", padding, FORM_TYPE, ((SIGNATURE, twilio_signature(path, b"", form)),))

    return build()


def twilio_checks(path: str, spec: dict[str, list[str]], queries: list[str], fuzzer: Fuzzer, endpoint: str) -> None:
    signed = signed_wires(path, spec, queries)
    bad_signature = st.text(st.characters(codec="ascii", exclude_characters="\r\n"), max_size=40).map(
        lambda value: ((SIGNATURE, value),)
    )
    form = fields(spec).map(encode_form)
    fuzz(fuzzer, f"{endpoint} signed", path, signed, 0.5)
    fuzz(fuzzer, f"{endpoint} signed", path, signed_huge(path), 0.1)
    fuzz(fuzzer, f"{endpoint} unsigned", path, wires("POST", form), 0.1, refused)
    fuzz(fuzzer, f"{endpoint} unsigned", path, wires("POST", form, headers=bad_signature), 0.1, refused)
    fuzz(
        fuzzer,
        f"{endpoint} unsigned",
        path,
        wires("POST", raw_bytes(), other_content_type(""), raw_bytes(), bad_signature),
        0.1,
        refused,
    )
    fuzz(fuzzer, f"{endpoint} unsigned", path, wires(other_method("POST"), form), 0.1, refused)


def refused(wire: Wire, response: TestResponse) -> None:
    """Not taken: a 4xx (Flask answers OPTIONS itself with the allowed methods, and runs no view)."""
    assert response.status_code >= 400 or (wire.method == "OPTIONS" and not response.get_data())


def test_twilio_inbound_answers_any_request_below_500(fuzzer: Fuzzer) -> None:
    twilio_checks("/sms/twilio", TWILIO_SPEC, [""], fuzzer, "/sms/twilio")


def test_twilio_status_callback_answers_any_request_below_500(fuzzer: Fuzzer) -> None:
    twilio_checks("/sms/twilio/status", STATUS_SPEC, OUTBOX_QUERIES, fuzzer, "/sms/twilio/status")


def aggregator_checks(path: str, spec: dict[str, list[str]], fuzzer: Fuzzer) -> None:
    """Credentials right (as a parameter or a header) but for one shape that tries wrong ones."""
    with_param = st.builds(lambda form: {**form, "credential": AGGREGATOR_SECRET}, fields(spec)).map(encode_form)
    by_header = st.just(((CREDENTIAL_HEADER, AGGREGATOR_SECRET),))
    form = fields(spec).map(encode_form)
    plausible = st.builds(lambda form: {**form, "credential": AGGREGATOR_SECRET}, plausible_fields(spec))
    wrong = st.sampled_from([(), ((CREDENTIAL_HEADER, "no"),), ((CREDENTIAL_HEADER, AGGREGATOR_SECRET + "x"),)])
    fuzz(fuzzer, f"{path} GET", path, wires("GET", b"", "", plausible.map(encode_form)), 0.15)
    fuzz(fuzzer, f"{path} GET", path, wires("GET", b"", "", with_param), 0.15)
    fuzz(fuzzer, f"{path} GET", path, wires("GET", b"", "", raw_bytes(), by_header), 0.1)
    fuzz(fuzzer, f"{path} POST", path, wires("POST", plausible.map(encode_form)), 0.1)
    fuzz(fuzzer, f"{path} POST", path, wires("POST", form, headers=by_header), 0.15)
    fuzz(fuzzer, f"{path} POST", path, wires("POST", raw_bytes(), other_content_type(""), raw_bytes(), by_header), 0.1)
    fuzz(fuzzer, f"{path} POST", path, wires("POST", padded(encode_form({"credential": AGGREGATOR_SECRET}))), 0.1)
    fuzz(fuzzer, f"{path} wrong credential", path, wires("POST", form, headers=wrong), 0.05, refused)
    fuzz(
        fuzzer,
        f"{path} other methods",
        path,
        wires(other_method("POST").filter(lambda m: m not in ("GET", "HEAD")), form, headers=by_header),
        0.1,
        refused,
    )


def test_aggregator_inbound_answers_any_request_below_500(fuzzer: Fuzzer) -> None:
    aggregator_checks("/sms/aggregator", AGGREGATOR_SPEC, fuzzer)


def test_aggregator_delivery_reports_answer_any_request_below_500(fuzzer: Fuzzer) -> None:
    aggregator_checks("/sms/aggregator/delivered", DELIVERED_SPEC, fuzzer)


def sandbox_list(wire: Wire, response: TestResponse) -> None:
    if wire.method == "GET" and response.status_code != 400:  # 400: a query string that is not UTF-8
        assert response.status_code == 200 and isinstance(response.get_json(), list)


def test_sandbox_answers_any_request_below_500(fuzzer: Fuzzer) -> None:
    limits = st.sampled_from(["", "1", "0", "-5", "200", "201", "9" * 40, "x", "1.5", "²"])
    query = st.one_of(
        limits.map(lambda v: f"limit={v}".encode()), fields({"limit": ["1"]}).map(encode_form), raw_bytes()
    )
    fuzz(fuzzer, "/sms/sandbox", "/sms/sandbox", wires("GET", b"", "", query), 0.7, sandbox_list)
    fuzz(fuzzer, "/sms/sandbox", "/sms/sandbox", wires(other_method("GET"), raw_bytes(), "", query), 0.3)


def signed(path: str, form: dict[str, str], query: str = "") -> Wire:
    encoded = query.encode()
    return Wire("POST", encoded, encode_form(form), FORM_TYPE, ((SIGNATURE, twilio_signature(path, encoded, form)),))


def credential(params: dict[str, str]) -> bytes:
    return encode_form({**params, "credential": AGGREGATOR_SECRET})


PREFIX_ID = "m" * 64
ISSUE_8_EXAMPLES = {  # each answered 500 once; (endpoint, wire, expected status)
    "status ErrorCode ²": (
        "/sms/twilio/status",
        signed("/sms/twilio/status", {"MessageSid": "SM" + "0" * 32, "MessageStatus": "failed", "ErrorCode": "²"}),
        200,
    ),
    "status outbox=²": (
        "/sms/twilio/status",
        signed("/sms/twilio/status", {"MessageSid": "SM" + "0" * 32, "MessageStatus": "failed"}, "outbox=%C2%B2"),
        200,
    ),
    "aggregator NUL in every field": (
        "/sms/aggregator",
        Wire(
            "GET",
            credential(
                {"original": "0812201501\x0001", "sendto": "12\x0034", "messageid": "m\x001", "message": "SAL\x00DO"}
            ),
        ),
        None,
    ),
    "aggregator NUL in the message": (
        "/sms/aggregator",
        Wire(
            "GET",
            credential({"original": "081220150101", "sendto": "1234", "messageid": "m-nul", "message": "SAL\x00DO"}),
        ),
        200,
    ),
    "aggregator messageid over the limit": (
        "/sms/aggregator",
        Wire(
            "GET",
            credential({"original": "081220150101", "sendto": "1234", "messageid": "x" * 300, "message": "SALDO"}),
        ),
        400,
    ),
    "twilio NUL in Body": (
        "/sms/twilio",
        signed("/sms/twilio", {"From": "+6281220150101", "Body": "SALDO\x00", "MessageSid": "SM" + "1" * 32}),
        200,
    ),
    "query string not UTF-8": ("/sms/aggregator", Wire("GET", b"original=0812\xff"), 400),
}


def test_the_inputs_issue_8_reported_answer_below_500(fuzzer: Fuzzer) -> None:
    for name, (path, wire, expected) in ISSUE_8_EXAMPLES.items():
        response = fuzzer.send(f"{path} issue 8 examples", path, wire)
        assert expected is None or response.status_code == expected, (name, response.status_code)


def test_two_aggregator_ids_sharing_a_long_prefix_are_two_messages(fuzzer: Fuzzer) -> None:
    before = fuzzer.stored()[0]
    for suffix in ("-a", "-b"):
        wire = Wire(
            "GET",
            credential(
                {"original": "081220150101", "sendto": "1234", "messageid": PREFIX_ID + suffix, "message": "JADWAL"}
            ),
        )
        assert fuzzer.send("/sms/aggregator issue 8 examples", "/sms/aggregator", wire).status_code == 200
    assert fuzzer.stored()[0] == before + 2
