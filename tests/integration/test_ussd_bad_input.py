"""Bad requests get a clear 4xx or a localized END, never a 5xx, and store nothing half-way."""

from __future__ import annotations

import json
import logging
import string
from dataclasses import replace
from typing import Any
from urllib.parse import quote

import pytest
import redis
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gateway.app import MAX_REQUEST_BYTES, create_app
from gateway.channels.hop import MAX_ID_LENGTH, MAX_PHONE_LENGTH, MAX_SERVICE_CODE_LENGTH, MAX_TEXT_LENGTH, Hop
from gateway.dialog import Dialog
from gateway.engine.step import Reply
from gateway.runtime import Runtime
from tests.ussd_support import AfricasTalkingPhone

FORM = {"sessionId": "s-bad", "serviceCode": "*123#", "phoneNumber": "+6281234567890", "text": ""}
JSON = {"sessionId": "j-bad", "msisdn": "+6281234567890", "serviceCode": "*123#", "sequence": 1, "input": ""}
UNREADABLE = "Maaf, permintaan tidak dapat dibaca. Silakan coba lagi."
FAILED = "Maaf, layanan sedang terganggu. Silakan coba lagi nanti."
FORM_TYPE = "application/x-www-form-urlencoded"
AT_FIELDS = {"sessionId": "sessionId", "serviceCode": "serviceCode", "phone": "phoneNumber", "text": "text"}
JSON_FIELDS = {"sessionId": "sessionId", "serviceCode": "serviceCode", "phone": "msisdn", "text": "input"}


def post(client: FlaskClient, **fields: str) -> tuple[int, str]:
    data = {k: v for k, v in {**FORM, **fields}.items() if v is not None}
    response = client.post("/ussd/africastalking", data=data)
    return response.status_code, response.get_data(as_text=True)


def test_missing_fields_get_400_with_a_localized_end(basic_client: FlaskClient, redis_client: redis.Redis) -> None:
    response = basic_client.post("/ussd/africastalking", data={"serviceCode": "*123#"})
    assert response.status_code == 400
    assert response.get_data(as_text=True) == "END Maaf, permintaan tidak dapat dibaca. Silakan coba lagi."
    assert redis_client.keys("*") == []


def test_an_unusable_number_gets_a_clear_end(basic_client: FlaskClient, redis_client: redis.Redis) -> None:
    status, body = post(basic_client, phoneNumber="12")
    assert (status, body) == (200, "END Maaf, nomor HP Anda tidak dapat kami kenali.")
    assert redis_client.keys("*") == []


def test_an_unknown_service_code_gets_a_clear_end_and_stores_nothing(
    basic_client: FlaskClient, redis_client: redis.Redis
) -> None:
    status, body = post(basic_client, serviceCode="*999#")
    assert (status, body) == (200, "END Maaf, kode layanan ini tidak dikenal.")
    assert redis_client.keys("jmb:s:*") == []


def test_a_10000_character_text_is_refused_cleanly(basic_client: FlaskClient) -> None:
    status, body = post(basic_client, text="1*" * 5000)
    assert status == 400
    assert body.startswith("END ")


def test_emoji_and_non_utf8_input_reprompt(basic_client: FlaskClient) -> None:
    phone = AfricasTalkingPhone(basic_client, "+6281234567890", "s-emoji")
    phone.dial()
    assert phone.send("\U0001f600").startswith("CON Pilihan tidak ada.")
    form = b"sessionId=s-emoji&serviceCode=*123%23&phoneNumber=%2B6281234567890&text="
    escaped = basic_client.post(
        "/ussd/africastalking", data=form + b"%FF%FE", content_type="application/x-www-form-urlencoded"
    )
    assert escaped.status_code == 200
    assert escaped.get_data(as_text=True).startswith("CON Pilihan tidak ada.")
    raw = basic_client.post(
        "/ussd/africastalking", data=form + b"\xff\xfe", content_type="application/x-www-form-urlencoded"
    )
    assert raw.status_code == 400
    assert raw.get_data(as_text=True).startswith("END Maaf")


def test_wrong_content_type_and_bad_json(basic_client: FlaskClient) -> None:
    assert basic_client.post("/ussd/africastalking", data="{}", content_type="application/json").status_code == 400
    response = basic_client.post("/ussd/json", data="not json", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["continue"] is False
    response = basic_client.post(
        "/ussd/json", json={"sessionId": "x", "msisdn": "+6281234567890", "serviceCode": "*123#", "sequence": "1"}
    )
    assert response.status_code == 400
    assert basic_client.get("/ussd/africastalking").status_code == 405


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    text=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)
    | st.lists(st.sampled_from(["1", "2", "3", "4", "5", "6", "0", "00", "99", "482913", "abc", ""]), max_size=12).map(
        "*".join
    ),
    session=st.text(alphabet=string.ascii_letters, min_size=1, max_size=8),
)
def test_any_text_gets_con_or_end_within_182_characters(
    basic_client: FlaskClient, redis_client: redis.Redis, text: str, session: str
) -> None:
    status, body = post(basic_client, sessionId=session, text=text)
    assert status < 500
    assert body.startswith(("CON ", "END "))
    assert len(body) - 4 <= 182


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.dictionaries(
        st.sampled_from(["sessionId", "msisdn", "serviceCode", "sequence", "input", "x"]),
        st.none() | st.booleans() | st.integers() | st.text(max_size=20),
        max_size=6,
    )
)
def test_any_json_body_gets_an_answer_and_never_a_5xx(
    basic_client: FlaskClient, redis_client: redis.Redis, body: dict
) -> None:
    response = basic_client.post("/ussd/json", json=body)
    assert response.status_code < 500
    reply = response.get_json()
    assert isinstance(reply["message"], str) and len(reply["message"]) <= 182


def raw_form(fields: dict[str, str]) -> bytes:
    """Form-encode as a hostile client may: lone surrogates written as their (invalid) UTF-8 bytes."""
    return "&".join(f"{quote(k)}={quote(v, errors='surrogatepass')}" for k, v in fields.items()).encode()


def post_form(client: FlaskClient, body: bytes, content_type: str = FORM_TYPE) -> tuple[int, str]:
    response = client.post("/ussd/africastalking", data=body, content_type=content_type)
    assert response.mimetype == "text/plain"
    return response.status_code, response.get_data(as_text=True)


def post_json(client: FlaskClient, body: str | bytes, content_type: str = "application/json") -> tuple[int, Any]:
    response = client.post("/ussd/json", data=body, content_type=content_type)
    assert response.mimetype == "application/json"
    return response.status_code, response.get_json()


def refused_json(session_id: str = "") -> dict[str, Any]:
    return {"sessionId": session_id, "message": UNREADABLE, "continue": False}


def test_deeply_nested_json_is_refused_with_the_contracts_end(
    basic_client: FlaskClient, redis_client: redis.Redis
) -> None:
    for body in ("[" * 5000 + "]" * 5000, '{"a":' * 2500 + "1" + "}" * 2500):
        assert post_json(basic_client, body) == (400, refused_json())
    assert redis_client.keys("*") == []


@pytest.mark.parametrize(
    "body",
    [
        "[]",
        '"text"',
        "17",
        "null",
        '{"sessionId": "j-1"',
        "{'sessionId': 1}",
        '{"sessionId": "j-1", "sequence": NaN}',
        '{"sequence": 1' + "0" * 5000 + "}",
    ],
)
def test_a_body_that_is_not_a_contract_object_gets_400(
    basic_client: FlaskClient, redis_client: redis.Redis, body: str
) -> None:
    status, reply = post_json(basic_client, body)
    assert status == 400 and reply["continue"] is False and reply["message"] == UNREADABLE
    assert redis_client.keys("*") == []


@pytest.mark.parametrize("body", [b'{"sessionId": "\xff"}', "{}".encode("utf-16"), b"\x00" * 10])
def test_undecodable_json_bytes_get_400(basic_client: FlaskClient, redis_client: redis.Redis, body: bytes) -> None:
    assert post_json(basic_client, body)[0] == 400
    assert redis_client.keys("*") == []


@pytest.mark.parametrize("field", list(JSON_FIELDS))
@pytest.mark.parametrize(
    "value",
    ["j\ud800", "\udfff1", "1\x00", "1\x1b[2J", "1\x852", "1\x7f"],
    ids=["lone-high-surrogate", "lone-low-surrogate", "nul", "escape", "c1-control", "del"],
)
def test_json_fields_with_control_characters_or_lone_surrogates_get_400(
    basic_client: FlaskClient, redis_client: redis.Redis, field: str, value: str
) -> None:
    body = json.dumps({**JSON, JSON_FIELDS[field]: value})  # json escapes them: \ud800, \u0000
    status, reply = post_json(basic_client, body)
    assert status == 400 and reply["message"] == UNREADABLE and reply["continue"] is False
    assert reply["sessionId"] in ("", JSON["sessionId"])  # an unsafe id is never echoed
    assert redis_client.keys("*") == []


@pytest.mark.parametrize("field", list(AT_FIELDS))
@pytest.mark.parametrize("value", ["1\x002", "1\r\n2", "1\x1b2", "1\x9b2"], ids=["nul", "crlf", "escape", "c1-control"])
def test_form_fields_with_control_characters_get_400(
    basic_client: FlaskClient, redis_client: redis.Redis, field: str, value: str
) -> None:
    body = raw_form({**FORM, AT_FIELDS[field]: value})
    assert post_form(basic_client, body) == (400, f"END {UNREADABLE}")
    assert redis_client.keys("*") == []


def test_a_lone_surrogate_in_a_form_never_reaches_redis(basic_client: FlaskClient, redis_client: redis.Redis) -> None:
    """Its UTF-8 bytes are invalid: the form decoder keeps them percent-escaped, a plain (odd) string."""
    status, body = post_form(basic_client, raw_form({**FORM, "sessionId": "s\ud800"}))
    assert status == 200 and body.startswith("CON ")
    assert redis_client.keys("jmb:*:s:*") == [b"jmb:{+6281234567890}:s:s%ED%A0%80"]
    status, body = post_form(basic_client, raw_form({**FORM, "sessionId": "s2", "phoneNumber": "\ud800"}))
    assert (status, body) == (200, "END Maaf, nomor HP Anda tidak dapat kami kenali.")


@pytest.mark.parametrize(
    ("field", "limit"),
    [
        ("sessionId", MAX_ID_LENGTH),
        ("serviceCode", MAX_SERVICE_CODE_LENGTH),
        ("phone", MAX_PHONE_LENGTH),
        ("text", MAX_TEXT_LENGTH),
    ],
)
def test_fields_over_their_documented_limit_get_400_on_both_adapters(
    basic_client: FlaskClient, redis_client: redis.Redis, field: str, limit: int
) -> None:
    too_long = "1" * (limit + 1)
    assert post_form(basic_client, raw_form({**FORM, AT_FIELDS[field]: too_long})) == (400, f"END {UNREADABLE}")
    status, reply = post_json(basic_client, json.dumps({**JSON, JSON_FIELDS[field]: too_long}))
    assert status == 400 and reply["message"] == UNREADABLE
    assert redis_client.keys("*") == []


def test_a_body_over_16_kib_gets_413_in_the_adapters_format(
    basic_client: FlaskClient, redis_client: redis.Redis
) -> None:
    huge = "1*" * MAX_REQUEST_BYTES
    assert post_form(basic_client, raw_form({**FORM, "text": huge})) == (413, f"END {UNREADABLE}")
    assert post_json(basic_client, json.dumps({**JSON, "input": huge})) == (413, refused_json())
    assert redis_client.keys("*") == []


@pytest.mark.parametrize(
    "change",
    [
        {"sequence": "1"},
        {"sequence": 1.0},
        {"sequence": True},
        {"sequence": 0},
        {"sequence": 10_001},
        {"sessionId": 5},
        {"msisdn": ["+6281234567890"]},
        {"serviceCode": {"code": "*123#"}},
        {"input": 1},
        {"input": ["1"]},
        {"sessionId": "   "},
    ],
)
def test_json_fields_of_the_wrong_type_get_400(
    basic_client: FlaskClient, redis_client: redis.Redis, change: dict[str, Any]
) -> None:
    status, reply = post_json(basic_client, json.dumps({**JSON, **change}))
    assert status == 400 and reply["message"] == UNREADABLE
    assert redis_client.keys("*") == []


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (json.dumps(JSON), "text/plain"),
        (json.dumps(JSON), FORM_TYPE),
        (raw_form(FORM), "application/json"),
        (b"--x\r\nContent-Disposition: form-data\r\n\r\n", "multipart/form-data; boundary=x"),
        (b"sessionId=s1", "application/x-www-form-urlencoded; charset=bogus"),
        (b"", ""),
    ],
)
def test_wrong_content_types_get_400_on_both_adapters(
    basic_client: FlaskClient, redis_client: redis.Redis, body: bytes | str, content_type: str
) -> None:
    assert post_json(basic_client, body, content_type)[0] == 400
    raw = body.encode() if isinstance(body, str) else body
    assert post_form(basic_client, raw, content_type) == (400, f"END {UNREADABLE}")
    assert redis_client.keys("*") == []


@pytest.mark.parametrize("tail", [b"%", b"%z", b"%zz", b"%E0%A4", b"%ED%A0%80", b"%C0%AF", b"%%%", b"&&&=&=="])
def test_bad_percent_encoding_in_a_form_never_gets_a_5xx(basic_client: FlaskClient, tail: bytes) -> None:
    status, body = post_form(basic_client, raw_form(FORM) + tail)
    assert status in (200, 400) and body.startswith(("CON ", "END "))
    status, body = post_form(basic_client, tail + b"&" + raw_form(FORM))
    assert status in (200, 400) and body.startswith(("CON ", "END "))


class ExplodingDialog(Dialog):
    """A dialog that fails the way an unforeseen bug would, outside every guard of its own."""

    def hop(self, hop: Hop) -> Reply:
        raise RuntimeError(f"unforeseen failure for {hop.msisdn}")


def test_an_unexpected_failure_answers_200_with_the_localized_end_in_each_format(
    basic_runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    dialog = ExplodingDialog(**{name: getattr(basic_runtime.dialog, name) for name in Dialog.__dataclass_fields__})
    client = create_app(runtime=replace(basic_runtime, dialog=dialog)).test_client()
    with caplog.at_level(logging.ERROR):
        assert post_form(client, raw_form(FORM)) == (200, f"END {FAILED}")
        assert post_json(client, json.dumps(JSON)) == (
            200,
            {"sessionId": "j-bad", "message": FAILED, "continue": False},
        )
    failures = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert len(failures) == 2 and all(record.exc_info for record in failures)  # once per request, traceback kept
