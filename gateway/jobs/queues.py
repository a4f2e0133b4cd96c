"""The RQ queues the gateway uses; the worker listens on all of them, the busiest first."""

SMS = "sms"
REMINDERS = "reminders"
SCORING = "scoring"
"""Loan decisions: score a submitted application, hand it to the loan system (gateway.decisions.jobs)."""
DEFAULT = "default"

QUEUES = (SMS, SCORING, REMINDERS, DEFAULT)
