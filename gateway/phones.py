"""Phone numbers: everyone is known by E.164; logs see them masked."""

from __future__ import annotations

import functools

import phonenumbers

DEFAULT_REGION = "ID"
NORMALIZED_CACHE_SIZE = 50_000  # parsing costs ~70 us; callers ring again and again within minutes


class UnusableNumber(ValueError):
    pass


@functools.lru_cache(maxsize=NORMALIZED_CACHE_SIZE)
def normalize_msisdn(raw: str, region: str = DEFAULT_REGION) -> str:
    """`0812…`, `62812…` and `+62 812-…` all become `+62812…`; anything else raises UnusableNumber."""
    text = (raw or "").strip()
    if not text or len(text) > 32:
        raise UnusableNumber("empty or too long")
    digits_only = text.replace(" ", "").replace("-", "")
    if digits_only.isdigit() and digits_only.startswith("62") and region == "ID":
        text = "+" + digits_only
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise UnusableNumber(str(exc)) from exc
    if not phonenumbers.is_valid_number(number):
        raise UnusableNumber("not a valid number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_indonesian(msisdn: str) -> bool:
    return msisdn.startswith("+62")


def mask_msisdn(msisdn: str) -> str:
    """`+6281234567890` -> `+62812****7890`: enough to tell calls apart, not enough to dial."""
    if len(msisdn) < 9:
        return "****"
    return f"{msisdn[:6]}****{msisdn[-4:]}"
