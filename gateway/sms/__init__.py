"""SMS building blocks: keywords, one-time codes, providers and inbound parsing (see README.md).

Nothing here is created at import time; Redis clients, secrets and credentials are passed in.
"""

from gateway.sms.book import ArgKind, ArgSpec, Keyword, KeywordBook
from gateway.sms.inbound import (
    AGGREGATOR_ACK,
    InboundSms,
    Rejected,
    RejectReason,
    StatusUpdate,
    parse_aggregator,
    parse_twilio,
    parse_twilio_status,
    twilio_signature_ok,
)
from gateway.sms.keywords import KeywordError, check_keywords, load_keywords, read_keywords
from gateway.sms.matching import Ambiguous, BadArgs, Match, MatchResult, NoMatch, match
from gateway.sms.otp import OneTimeCodes, Verdict
from gateway.sms.providers import (
    FailureReason,
    MessageStatus,
    PermanentFailure,
    SendResult,
    SmsProvider,
    TemporaryFailure,
)
from gateway.sms.sandbox import SandboxMessage, SandboxProvider, list_sandbox
from gateway.sms.scrub import scrub
from gateway.sms.twilio_provider import TwilioProvider

__all__ = [
    "AGGREGATOR_ACK",
    "Ambiguous",
    "ArgKind",
    "ArgSpec",
    "BadArgs",
    "FailureReason",
    "InboundSms",
    "Keyword",
    "KeywordBook",
    "KeywordError",
    "Match",
    "MatchResult",
    "MessageStatus",
    "NoMatch",
    "OneTimeCodes",
    "PermanentFailure",
    "RejectReason",
    "Rejected",
    "SandboxMessage",
    "SandboxProvider",
    "SendResult",
    "SmsProvider",
    "StatusUpdate",
    "TemporaryFailure",
    "TwilioProvider",
    "Verdict",
    "check_keywords",
    "list_sandbox",
    "load_keywords",
    "match",
    "parse_aggregator",
    "parse_twilio",
    "parse_twilio_status",
    "read_keywords",
    "scrub",
    "twilio_signature_ok",
]
