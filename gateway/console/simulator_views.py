"""The simulator page: dial a service code as a demo or test number and walk the menus screen by screen.

Each hop goes through the real dialog, engine and handlers, on the sandbox bank (`sandbox.py`). The walk
so far travels with the page as a signed form field (no server-side state, any web process can serve
the next step); secret inputs (PINs) are never kept in it, only a keyed digest to choose the
transcript's placeholder, as `jembatan simulate --record` does.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import secrets
from dataclasses import asdict, dataclass, field
from typing import Any, cast

from flask import Response, abort, current_app, render_template, request
from itsdangerous import BadSignature, URLSafeSerializer

from gateway.banking.demo import DEMO_CUSTOMERS
from gateway.channels.hop import Hop, InputStyle
from gateway.console import bp
from gateway.console.access import audit, db, requires, runtime
from gateway.console.sandbox import EXTENSION, Sandbox
from gateway.engine.model import MAX_SCREEN_LIMIT
from gateway.engine.step import BACK, HOME
from gateway.gsm7 import is_gsm7, non_gsm7_characters
from gateway.menus import Loaded, build
from gateway.simulator import NEW_PIN, PIN, WRONG_PIN
from gateway.transcripts import Transcript, Turn

MAX_TURNS = 60
MAX_INPUT = 60
INPUT_PATTERN = re.compile(r"[^\x00-\x1f\x7f]{0,60}")
"""What a handset can type: digits, * and #, and text on screens that ask for words."""
HISTORY = 20
MORE = "99"
"""The engine's "next page" key (menus/ussd/main.yaml: 0 back, 00 main menu, 99 next page)."""
SANDBOX_REDIS_SETTING = "CONSOLE_SANDBOX_REDIS_URL"


@dataclass
class WalkState:
    session_id: str
    phone: str
    lang: str
    release: str
    service_code: str
    salt: str
    sequence: int = 0
    turns: list[list[Any]] = field(default_factory=list)
    """[input, screen, end] per turn; a secret input is kept as ""."""
    secret: dict[str, list[Any]] = field(default_factory=dict)
    """turn index -> [digest of the value, typed on the PIN prompt]"""
    accepted: list[str] = field(default_factory=list)
    awaits: list[bool] = field(default_factory=lambda: [False, False])
    sms: list[list[Any]] = field(default_factory=list)
    """[turn index, to, body] of the SMS the sandbox would have sent."""


def sandbox() -> Sandbox:
    """The process's sandbox. In production its sessions need a Redis database of their own
    (CONSOLE_SANDBOX_REDIS_URL): without one the simulator answers 503 rather than share the live one."""
    found = current_app.extensions.get(EXTENSION)
    if found is None:
        own = current_app.config.get(SANDBOX_REDIS_SETTING) or os.environ.get(SANDBOX_REDIS_SETTING)
        if own is None and runtime().settings.production:
            abort(503)
        found = current_app.extensions[EXTENSION] = Sandbox(runtime(), own)
    return cast(Sandbox, found)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key or "", salt="console-simulator-walk")


def _load_state() -> WalkState:
    try:
        data = _serializer().loads(request.form.get("walk", ""))
        return WalkState(**data)
    except (BadSignature, TypeError, ValueError):
        abort(400)


def _releases() -> list[tuple[str, str]]:
    store = runtime().menus.store
    events = store.history(HISTORY) if store is not None else []
    seen: dict[str, str] = {}
    for event in events:
        seen.setdefault(event.hash, f"{event.hash[:10]} · {event.made_at:%Y-%m-%d %H:%M} · {event.action}")
    return list(seen.items())


def _pinned(release: str) -> Loaded | None:
    """The chosen stored release, or None for the current one."""
    menus = runtime().menus
    if not release or release == menus.current.menu.version:
        return None
    loaded = menus.for_version(release)
    if loaded is None and menus.store is not None:
        stored = menus.store.get(release)
        loaded = build(stored, menus.registry)[0] if stored is not None else None
    if loaded is None:
        abort(404)
    return loaded


def screen_facts(text: str, end: bool, limit: int) -> dict[str, Any]:
    """What the handset gets and how it measures: the wire text, characters against the limit, GSM-7."""
    return {
        "wire": ("END " if end else "CON ") + text,
        "chars": len(text),
        "limit": limit,
        "over": len(text) > limit,
        "lines": text.count("\n") + 1,
        "gsm7": is_gsm7(text),
        "bad_chars": "".join(sorted(set(non_gsm7_characters(text)))),
        "paged": any(line.startswith(f"{MORE} ") for line in text.splitlines()),
    }


def _digest(state: WalkState, value: str) -> str:
    return hmac.new(state.salt.encode(), value.encode(), hashlib.sha256).hexdigest()[:16]


def _hop(state: WalkState, entry: str) -> None:
    walk, recorder = sandbox().walk(state.phone, state.lang or None, _pinned(state.release), state.session_id)
    state.sequence += 1
    reply = walk.hop(
        Hop(state.session_id, state.phone, walk.service_code, InputStyle.NEWEST, entry, state.sequence, "ussd")
    )
    after = walk.state()
    secret, on_prompt = state.awaits
    secret = secret and entry not in (BACK, HOME)
    index = len(state.turns)
    if secret:
        state.secret[str(index)] = [_digest(state, entry), on_prompt]
        if on_prompt and walk.pin_accepted(after):
            state.accepted.append(_digest(state, entry))
    state.turns.append(["" if secret else entry, reply.text, reply.end])
    state.sms.extend([index, to, body] for to, body in recorder.sent)
    state.awaits = list(walk.awaits_secret(after)) if not reply.end else [False, False]


def _limit(state: WalkState) -> int:
    pinned = _pinned(state.release)
    menu = (pinned or runtime().menus.current).menu
    return min(getattr(menu, "limit", MAX_SCREEN_LIMIT), MAX_SCREEN_LIMIT)


def _page(state: WalkState | None) -> str:
    walk_token = _serializer().dumps(asdict(state)) if state else ""
    turns = []
    if state:
        limit = _limit(state)
        for index, (entry, text, end) in enumerate(state.turns):
            sms = [(to, body) for i, to, body in state.sms if i == index]
            turns.append(
                {"input": entry, "secret": str(index) in state.secret, "sms": sms, **screen_facts(text, end, limit)}
            )
    return render_template(
        "console/simulator.html",
        state=state,
        walk=walk_token,
        turns=turns,
        numbers=sandbox().numbers(),
        demo=[(c.name, c.msisdn, c.pin) for c in DEMO_CUSTOMERS],
        releases=_releases(),
        current=runtime().menus.current.menu.version,
        ended=bool(state and state.turns and state.turns[-1][2]),
    )


@bp.route("/simulator")
@requires("simulator")
def simulator() -> str:
    return _page(None)


@bp.route("/simulator/dial", methods=["POST"])
@requires("simulator")
def simulator_dial() -> str:
    phone, lang, release = request.form.get("phone", ""), request.form.get("lang", ""), request.form.get("release", "")
    if phone not in dict(sandbox().numbers()) or lang not in ("", "id", "en") or len(release) > 64:
        abort(400)
    pinned = _pinned(release)
    codes = (pinned or runtime().menus.current).menu.service_codes
    state = WalkState(
        f"sim-{secrets.token_hex(6)}", phone, lang, release, codes[0] if codes else "*123#", secrets.token_hex(8)
    )
    _hop(state, "")
    return _page(state)


@bp.route("/simulator/send", methods=["POST"])
@requires("simulator")
def simulator_send() -> str:
    state = _load_state()
    entry = request.form.get("input", "").strip()
    if not INPUT_PATTERN.fullmatch(entry) or len(state.turns) >= MAX_TURNS or (state.turns and state.turns[-1][2]):
        abort(400)
    _hop(state, entry)
    return _page(state)


def transcript_of(state: WalkState, name: str) -> Transcript:
    transcript = Transcript(name=name, phone=state.phone, lang=state.lang or None, service_code=state.service_code)
    for index, (entry, text, end) in enumerate(state.turns):
        mark = state.secret.get(str(index))
        if mark is not None:
            digest, on_prompt = mark
            entry = PIN if digest in state.accepted else (WRONG_PIN if on_prompt else NEW_PIN)
        transcript.turns.append(Turn(entry, text, end))
    return transcript


@bp.route("/simulator/transcript", methods=["POST"])
@requires("simulator")
def simulator_transcript() -> Response:
    state = _load_state()
    name = (request.form.get("name") or "console walk").strip()[:80]
    filename = re.sub(r"[^a-z0-9_-]+", "_", name.lower()).strip("_") or "walk"
    return Response(
        transcript_of(state, name).to_yaml(),
        mimetype="application/x-yaml",
        headers={"Content-Disposition": f'attachment; filename="{filename}.yaml"'},
    )


@bp.route("/simulator/reset", methods=["POST"])
@requires("simulator")
def simulator_reset() -> str:
    sandbox().reset()
    with db() as session:
        audit(session, "simulator.reset", "sandbox bank", "a fresh copy of the demo data")
    return _page(None)
