"""Settings from the environment, read once by `create_app` or the CLI; nothing global."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path
from typing import Any

from gateway.banking.access import DEFAULT_ACTIVATION_TTL_S, DEFAULT_SMS_BANKING_INACTIVITY_DAYS, AccessPolicy
from gateway.redis_keys import LANGUAGE_TTL_S

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "instance" / "jembatan.db"
DEFAULT_SESSION_TTL_S = 300
DEFAULT_RESUME_WINDOW_S = 180
DEFAULT_HOP_LOCK_S = 10
DEFAULT_RETRY_WAIT_S = 3.0
DEV_SECRET = "jembatan-dev-secret-change-me"
DEVELOPMENT = "development"
PRODUCTION = "production"
ENVIRONMENTS = (DEVELOPMENT, PRODUCTION)
DEFAULT_MESSAGE_RETENTION_DAYS = 30
SMS_PROVIDERS = ("twilio", "aggregator", "sandbox")
DEFAULT_SMS_SEND_THREADS = 8


@dataclass(frozen=True)
class Settings:
    redis_url: str = "redis://127.0.0.1:6379/0"
    database_url: str = f"sqlite:///{DEFAULT_SQLITE_PATH}"
    menus_dir: Path = PROJECT_ROOT / "menus"
    locales_dir: Path = PROJECT_ROOT / "locales"
    handlers_module: str = "handlers"
    default_lang: str = "id"
    secret_key: str = DEV_SECRET
    pin_pepper: str = ""
    session_ttl_s: int = DEFAULT_SESSION_TTL_S
    resume_window_s: int = DEFAULT_RESUME_WINDOW_S
    hop_lock_s: int = DEFAULT_HOP_LOCK_S
    retry_wait_s: float = DEFAULT_RETRY_WAIT_S
    language_ttl_s: int = LANGUAGE_TTL_S
    """How long Redis caches a number's language (the bank keeps a customer's); LANGUAGE_TTL_S."""
    public_url: str = ""
    twilio_account_sid: str = ""
    twilio_auth_token: str = ""
    twilio_from: str = ""
    twilio_api_base_url: str = ""
    aggregator_credential: str = ""
    activation_ttl_s: int = DEFAULT_ACTIVATION_TTL_S
    """How long a branch's activation code (first PIN, new PIN after a lock-out) stays valid."""
    sms_banking_inactivity_days: int = DEFAULT_SMS_BANKING_INACTIVITY_DAYS
    """SMS banking switches itself off after this many days without an SMS bank command."""
    jembatan_env: str = DEVELOPMENT
    """`development` (the default for `make run`: sandbox, warnings) or `production` (refuses unsafe settings)."""
    sms_provider: str = ""
    """`twilio`, `aggregator` or `sandbox`; empty: Twilio when configured, else the aggregator, else the sandbox."""
    aggregator_send_url: str = ""
    aggregator_userid: str = ""
    aggregator_password: str = ""
    aggregator_sender: str = ""
    """`original` on outbound aggregator messages: our sender id or short code."""
    message_retention_days: int = DEFAULT_MESSAGE_RETENTION_DAYS
    sms_send_threads: int = DEFAULT_SMS_SEND_THREADS
    """Provider calls in flight at once per worker process (one connection each; keep the sum over all
    workers under the provider's concurrency limit: Twilio answers 429 above its account's)."""
    sms_rate_per_s: float = 0.0
    """Provider calls per second per worker process (a token bucket shared by its threads); 0: the
    provider's default (gateway.sms.wiring.DEFAULT_RATE_PER_S). With several workers, give each its share."""
    menu_watch: str = ""
    """MENU_WATCH: `1` makes edited menu and locale files new releases (the development default), `0` serves
    only what `jembatan menus publish` made current (the production default)."""
    los_webhook_url: str = ""
    """LOS_WEBHOOK_URL: where scored loan applications are handed to the loan origination system (empty: none)."""
    los_webhook_secret: str = ""
    """LOS_WEBHOOK_SECRET: the HMAC-SHA256 key of the hand-off and of the loan system's callback."""
    extra: Mapping[str, Any] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        base = cls()
        values: dict[str, Any] = {}
        for name, cast in _ENV_FIELDS.items():
            raw = env.get(name.upper())
            if raw not in (None, ""):
                values[name] = cast(raw)
        return replace(base, **values)

    @property
    def pepper(self) -> str:
        """The key mixed into every PIN hash: PIN_PEPPER, else the secret key. Keep it out of the database."""
        return self.pin_pepper or self.secret_key

    @property
    def production(self) -> bool:
        return self.jembatan_env == PRODUCTION

    @property
    def watches_menus(self) -> bool:
        if self.menu_watch:
            return self.menu_watch not in ("0", "false", "no", "off")
        return not self.production

    @property
    def outbound_provider(self) -> str:
        """The SMS provider outbound messages go through (see `sms_provider`)."""
        if self.sms_provider:
            return self.sms_provider
        if self.twilio_account_sid and self.twilio_auth_token and self.twilio_from:
            return "twilio"
        return "aggregator" if self.aggregator_send_url else "sandbox"

    def access_policy(self) -> AccessPolicy:
        return AccessPolicy(
            activation_ttl=timedelta(seconds=self.activation_ttl_s),
            sms_banking_idle=timedelta(days=self.sms_banking_inactivity_days),
        )

    def with_overrides(self, overrides: Mapping[str, Any] | None) -> Settings:
        return replace(self, **dict(overrides or {}))


_ENV_FIELDS: dict[str, Any] = {
    "redis_url": str,
    "database_url": str,
    "menus_dir": Path,
    "locales_dir": Path,
    "handlers_module": str,
    "default_lang": str,
    "secret_key": str,
    "pin_pepper": str,
    "session_ttl_s": int,
    "resume_window_s": int,
    "language_ttl_s": int,
    "public_url": str,
    "twilio_account_sid": str,
    "twilio_auth_token": str,
    "twilio_from": str,
    "twilio_api_base_url": str,
    "aggregator_credential": str,
    "activation_ttl_s": int,
    "sms_banking_inactivity_days": int,
    "jembatan_env": str.lower,
    "sms_provider": str.lower,
    "aggregator_send_url": str,
    "aggregator_userid": str,
    "aggregator_password": str,
    "aggregator_sender": str,
    "message_retention_days": int,
    "sms_send_threads": int,
    "sms_rate_per_s": float,
    "menu_watch": str.lower,
    "los_webhook_url": str,
    "los_webhook_secret": str,
}
