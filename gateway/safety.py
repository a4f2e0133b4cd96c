"""Start-up safety: in production mode the gateway refuses to start with settings that expose customers.

`check_start(settings)` is the first thing `create_app`, the RQ worker and the scheduler do with their
Settings. In `JEMBATAN_ENV=production` each problem below is one line naming the setting and the fix,
and the process stops before it serves anything (create_app raises `UnsafeSettings`, which gunicorn
prints before it exits; the worker and scheduler exit non-zero). Development mode only warns as before.

It also hands the configured credentials to the log masking (`gateway.logs.hide_values`), so a
credential that arrives in a query string or an error message never reaches a log line.
"""

from __future__ import annotations

from gateway import logs
from gateway.config import DEV_SECRET, ENVIRONMENTS, SMS_PROVIDERS, Settings

MIN_CREDENTIAL_CHARS = 16
"""The aggregator's shared credential is the only thing that authenticates its inbound calls."""


class UnsafeSettings(RuntimeError):
    """Production settings that must be fixed before serving; the message has one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("refusing to start (JEMBATAN_ENV=production):\n" + "\n".join(problems))
        self.problems = problems


def problems(settings: Settings) -> list[str]:
    """What stops a production start; empty when it may start (and always in development mode)."""
    if settings.jembatan_env not in ENVIRONMENTS:
        return [f"JEMBATAN_ENV={settings.jembatan_env!r} is unknown: set it to development or production"]
    if not settings.production:
        return []
    found = []
    if settings.secret_key == DEV_SECRET:
        found.append("SECRET_KEY is the development default: set SECRET_KEY to a long random value")
    if settings.pin_pepper == DEV_SECRET:
        found.append("PIN_PEPPER is the development default: set PIN_PEPPER to a long random value")
    if settings.sms_provider and settings.sms_provider not in SMS_PROVIDERS:
        found.append(f"SMS_PROVIDER={settings.sms_provider!r} is unknown: set twilio or aggregator")
    found += _outbound_problems(settings)
    if settings.twilio_auth_token and not settings.public_url:
        found.append(
            "PUBLIC_URL is not set but Twilio is: set PUBLIC_URL to the https base URL Twilio calls "
            "(every signed webhook would be refused)"
        )
    if settings.aggregator_credential and len(settings.aggregator_credential) < MIN_CREDENTIAL_CHARS:
        found.append(
            f"AGGREGATOR_CREDENTIAL is shorter than {MIN_CREDENTIAL_CHARS} characters: "
            "set a long random value (and give it to the aggregator)"
        )
    return found


def _outbound_problems(settings: Settings) -> list[str]:
    provider = settings.outbound_provider
    if provider == "sandbox":
        return [
            "SMS_PROVIDER is the sandbox (no real outbound provider): set TWILIO_ACCOUNT_SID, "
            "TWILIO_AUTH_TOKEN and TWILIO_FROM, or AGGREGATOR_SEND_URL, AGGREGATOR_USERID and "
            "AGGREGATOR_PASSWORD"
        ]
    if provider == "twilio" and not (
        settings.twilio_account_sid and settings.twilio_auth_token and settings.twilio_from
    ):
        return [
            "SMS_PROVIDER=twilio but Twilio is not configured: set TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN "
            "and TWILIO_FROM"
        ]
    if provider == "aggregator" and not (settings.aggregator_send_url and settings.aggregator_userid):
        return [
            "SMS_PROVIDER=aggregator but the aggregator is not configured: set AGGREGATOR_SEND_URL, "
            "AGGREGATOR_USERID and AGGREGATOR_PASSWORD"
        ]
    return []


def check_start(settings: Settings) -> None:
    """Raise UnsafeSettings when production settings are unsafe; hide the credentials from the logs."""
    logs.hide_values(
        [
            settings.aggregator_credential,
            settings.aggregator_password,
            settings.twilio_auth_token,
            settings.secret_key,
            settings.pin_pepper,
        ]
    )
    found = problems(settings)
    if found:
        raise UnsafeSettings(found)


def exit_if_unsafe(settings: Settings) -> None:
    """For the worker and the scheduler: the same check, one line per problem on stderr, exit status 1."""
    try:
        check_start(settings)
    except UnsafeSettings as exc:
        raise SystemExit(str(exc)) from None
