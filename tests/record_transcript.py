"""Write a golden transcript by walking the demo bank.

    python -m tests.record_transcript NAME PHONE [--lang=en] [--leave-balance=RUPIAH] [--setup=JSON] INPUT...

An input `<REDIAL>` drops the call and dials again in a new session; `--setup` adds to the transcript's
`setup` (e.g. '{"customers": [{"phone": "...", "name": "...", "pin": "..."}]}').
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from gateway.transcripts import Transcript, Turn
from tests import redis_claim
from tests.transcript_support import REDIAL, TRANSCRIPTS, demo_app
from tests.ussd_support import AfricasTalkingPhone


def main(argv: list[str]) -> int:
    name, phone, *inputs = argv
    lang: str | None = None
    setup: dict[str, Any] = {}
    while inputs and inputs[0].startswith("--"):
        option, value = inputs.pop(0)[2:].split("=", 1)
        if option == "lang":
            lang = value
        elif option == "leave-balance":
            setup = {**setup, "leave_balance": {phone: int(value)}}
        elif option == "setup":
            setup = {**setup, **json.loads(value)}
    with tempfile.TemporaryDirectory() as tmp:
        app = demo_app(Path(tmp) / "bank.db", setup)
        app.extensions["jembatan"].redis.flushdb()
        if lang:
            app.extensions["jembatan"].store.remember_language(phone, lang)
        at = AfricasTalkingPhone(app.test_client(), phone, f"golden-{name}")
        transcript = Transcript(name=name.replace("_", " "), phone=phone, lang=lang, setup=setup)
        for index, entry in enumerate(["", *inputs]):
            if entry == REDIAL:
                at = AfricasTalkingPhone(at.client, phone, f"golden-{name}-{index}")
            reply = at.dial() if index == 0 or entry == REDIAL else at.send(entry)
            transcript.turns.append(Turn(entry, reply[4:], reply.startswith("END")))
        app.extensions["jembatan"].redis.flushdb()
    (TRANSCRIPTS / f"{name}.yaml").write_text(transcript.to_yaml(), encoding="utf-8")
    print(transcript.to_yaml())
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    finally:
        redis_claim.release()  # the Redis database demo_app claimed for this run
