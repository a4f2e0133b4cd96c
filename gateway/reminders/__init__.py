"""Repayment reminders: a YAML policy, timed in each borrower's local time, queued exactly once.

`policy` reads `menus/reminders.yaml` and `policy_checks` checks it with its texts; `windows` is pure
timing (collection days from the one business calendar, gateway.banking.calendar); `contact` is the
bank's legal name and phone the texts name; `due` reads due instalments (late fees included) through
the bank; `scan` writes reminder and outbox rows; `sendcheck` is the send job's last look; `preview`
shows a day's plan; `dispatch` enqueues send jobs in batches.
See the module docstrings for the rules each keeps.
"""

from gateway.reminders.dispatch import due_outbox_batches, enqueue_send_batches
from gateway.reminders.policy import Policy, PolicyError, Rule, load_policy, read_policy
from gateway.reminders.policy_checks import check_reminders
from gateway.reminders.preview import PreviewLine, cli_preview, preview, print_preview
from gateway.reminders.scan import ScanReport, scan_and_queue
from gateway.reminders.sendcheck import CancelReason, still_wanted
from gateway.reminders.windows import DailyWindow, SendWindow, next_send_window

__all__ = [
    "CancelReason",
    "DailyWindow",
    "Policy",
    "PolicyError",
    "PreviewLine",
    "Rule",
    "ScanReport",
    "SendWindow",
    "check_reminders",
    "cli_preview",
    "due_outbox_batches",
    "enqueue_send_batches",
    "load_policy",
    "next_send_window",
    "preview",
    "print_preview",
    "read_policy",
    "scan_and_queue",
    "still_wanted",
]
