"""Complaints (pengaduan, POJK 22/2023): a ticket with a number and deadlines, opened over USSD or SMS,
answered by staff (`jembatan complaints`, the console) with an SMS.

| Module | Holds | Layer |
|---|---|---|
| `records.py` | `Topic`, `Channel`, `ComplaintRequest`, `OpenedComplaint`, `ComplaintDesk` | none (types) |
| `deadlines.py` | working days of the one business calendar | none (pure) |
| `tickets.py` | `open_ticket`, the built-in bank's `ComplaintTickets` mixin | storage |
| `service.py` | `list_complaints`, `get_complaint`, `answer_complaint`, `extend_complaint` for staff | SMS, reminders |
| `checks.py` | `check_complaints`: the complaint SMS texts, for `jembatan menus check` | none |
| `cli.py` | `jembatan complaints list/show/answer/extend` | processes |

Nothing is re-exported here: the built-in bank imports `tickets` from below the layer `service` lives
in, so this package's modules are imported by name.
"""
