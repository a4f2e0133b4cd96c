"""Talk to the USSD endpoints the way aggregators do."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask.testing import FlaskClient


@dataclass
class AfricasTalkingPhone:
    """Africa's Talking sends every input of the session joined by '*'."""

    client: FlaskClient
    phone: str
    session_id: str
    service_code: str = "*123#"
    inputs: list[str] = field(default_factory=list)

    def post(self, text: str) -> tuple[int, str]:
        response = self.client.post(
            "/ussd/africastalking",
            data={
                "sessionId": self.session_id,
                "serviceCode": self.service_code,
                "phoneNumber": self.phone,
                "networkCode": "51010",
                "text": text,
            },
        )
        return response.status_code, response.get_data(as_text=True)

    def dial(self) -> str:
        self.inputs = []
        return self.post("")[1]

    def send(self, entry: str) -> str:
        self.inputs.append(entry)
        return self.post("*".join(self.inputs))[1]


@dataclass
class JsonPhone:
    """Our JSON contract: only the newest input, with a sequence number."""

    client: FlaskClient
    phone: str
    session_id: str
    service_code: str = "*123#"
    sequence: int = 0

    def post(self, entry: str, sequence: int) -> dict:
        response = self.client.post(
            "/ussd/json",
            json={
                "sessionId": self.session_id,
                "msisdn": self.phone,
                "serviceCode": self.service_code,
                "sequence": sequence,
                "input": entry,
            },
        )
        assert response.status_code == 200, response.get_data(as_text=True)
        return response.get_json()

    def dial(self) -> str:
        self.sequence = 1
        return self.as_screen(self.post(self.service_code, 1))

    def send(self, entry: str) -> str:
        self.sequence += 1
        return self.as_screen(self.post(entry, self.sequence))

    @staticmethod
    def as_screen(body: dict) -> str:
        return f"{'CON' if body['continue'] else 'END'} {body['message']}"
