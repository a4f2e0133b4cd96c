"""Who a reminder is from and whom to call: `bank:` in `menus/reminders.yaml`.

    bank:
      legal_name: "PT BPR Bank Desa Sejahtera"   # as in the credit contract (POJK 22/2023 names the PUJK)
      phone: "0800-1234-567"                     # the number a borrower calls about a reminder

This is the one place the reminders' sender is configured; the texts in locales/<lang>.reminders.yaml
show it as `{bank}` and `{phone}`. `jembatan menus check` renders every text with these values and the
longest name, amounts and date, so a long legal name shows up as a text that no longer fits one SMS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from gateway.gsm7 import non_gsm7_characters
from gateway.yamlsource import LineMap, ProblemLines

BANK_KEYS = ("legal_name", "phone")
MAX_LEGAL_NAME_CHARS = 40
_PHONE = re.compile(r"^\+?[0-9][0-9 -]{4,18}[0-9]$")


@dataclass(frozen=True)
class BankContact:
    legal_name: str = "PT BPR Bank Desa"
    phone: str = "0800-1234-567"


def read_bank(problems: ProblemLines, root: LineMap) -> BankContact:
    node = root.get("bank")
    if not isinstance(node, LineMap):
        problems.add(
            root.line_of("bank") if "bank" in root else root.line,
            "reminders.bank must name the bank's legal name and phone number",
            'add bank: {legal_name: "PT BPR ...", phone: "0800-..."}',
        )
        return BankContact()
    problems.unknown_keys(node, BANK_KEYS, "reminders.bank")
    name = node.get("legal_name")
    if not isinstance(name, str) or not name.strip() or len(name) > MAX_LEGAL_NAME_CHARS:
        problems.add(
            node.line_of("legal_name"),
            f"reminders.bank.legal_name is {name!r}",
            f"write the legal name of the credit contract, 1-{MAX_LEGAL_NAME_CHARS} characters",
        )
        name = BankContact.legal_name
    elif non_gsm7_characters(name):
        problems.add(
            node.line_of("legal_name"), "reminders.bank.legal_name has characters outside GSM-7", "use plain letters"
        )
    phone = node.get("phone")
    if not isinstance(phone, str) or not _PHONE.match(phone):
        problems.add(
            node.line_of("phone"),
            f"reminders.bank.phone is {phone!r}",
            'write it in quotes with digits, spaces or hyphens, e.g. "0800-1234-567"',
        )
        phone = BankContact.phone
    return BankContact(" ".join(name.split()), phone)
