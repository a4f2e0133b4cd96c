"""The RQ queues the gateway uses; the worker listens on all of them, the busiest first."""

SMS = "sms"
REMINDERS = "reminders"
DEFAULT = "default"

QUEUES = (SMS, REMINDERS, DEFAULT)
