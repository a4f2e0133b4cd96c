"""Bad requests get a clear 4xx or a localized END, never a 5xx, and store nothing half-way."""

from __future__ import annotations

import string

import redis
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.ussd_support import AfricasTalkingPhone

FORM = {"sessionId": "s-bad", "serviceCode": "*123#", "phoneNumber": "+6281234567890", "text": ""}


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
        basic_client: FlaskClient, redis_client: redis.Redis) -> None:
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
    escaped = basic_client.post("/ussd/africastalking", data=form + b"%FF%FE",
                                content_type="application/x-www-form-urlencoded")
    assert escaped.status_code == 200
    assert escaped.get_data(as_text=True).startswith("CON Pilihan tidak ada.")
    raw = basic_client.post("/ussd/africastalking", data=form + b"\xff\xfe",
                            content_type="application/x-www-form-urlencoded")
    assert raw.status_code == 400
    assert raw.get_data(as_text=True).startswith("END Maaf")


def test_wrong_content_type_and_bad_json(basic_client: FlaskClient) -> None:
    assert basic_client.post("/ussd/africastalking", data="{}", content_type="application/json").status_code == 400
    response = basic_client.post("/ussd/json", data="not json", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json()["continue"] is False
    response = basic_client.post("/ussd/json", json={"sessionId": "x", "msisdn": "+6281234567890",
                                                     "serviceCode": "*123#", "sequence": "1"})
    assert response.status_code == 400
    assert basic_client.get("/ussd/africastalking").status_code == 405


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60)
       | st.lists(st.sampled_from(["1", "2", "3", "4", "5", "6", "0", "00", "99", "482913", "abc", ""]),
                  max_size=12).map("*".join),
       session=st.text(alphabet=string.ascii_letters, min_size=1, max_size=8))
def test_any_text_gets_con_or_end_within_182_characters(basic_client: FlaskClient, redis_client: redis.Redis,
                                                         text: str, session: str) -> None:
    status, body = post(basic_client, sessionId=session, text=text)
    assert status < 500
    assert body.startswith(("CON ", "END "))
    assert len(body) - 4 <= 182


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.dictionaries(st.sampled_from(["sessionId", "msisdn", "serviceCode", "sequence", "input", "x"]),
                            st.none() | st.booleans() | st.integers() | st.text(max_size=20), max_size=6))
def test_any_json_body_gets_an_answer_and_never_a_5xx(basic_client: FlaskClient, redis_client: redis.Redis,
                                                       body: dict) -> None:
    response = basic_client.post("/ussd/json", json=body)
    assert response.status_code < 500
    reply = response.get_json()
    assert isinstance(reply["message"], str) and len(reply["message"]) <= 182
