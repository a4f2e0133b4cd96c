"""Repayment reminders: a YAML policy, timed in each borrower's local time, queued exactly once."""
