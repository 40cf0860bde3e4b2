"""Visma.net's refusals turned into a code and a sentence saying what to change in Visma.net.

Matched on the fault code and the message (targets.md §5.5). Only 12027's text is published; the
other patterns are assumptions kept in ``assumed.ERROR_TEXTS``, so each is loose and the raw message
is always kept next to the advice.
"""
from __future__ import annotations

import dataclasses
import re

from worker.connectors.errors import RemoteRejected
from worker.connectors.visma_net.assumed import ERROR_TEXTS
from worker.i18n import N_


@dataclasses.dataclass(frozen=True)
class Advice:
    """Our code for a refusal, the merchant's sentence (N_, may use ``%(value)s``) and what it was about."""

    code: str
    message: str
    value: str = ""


RULES = (
    ("LEDGER_TEST_COMPANY", ERROR_TEXTS["LEDGER_TEST_COMPANY"],
     N_("Visma.net refuses journals for a company marked as a test company. In Visma.net, clear the test "
        "company mark of this company (or map a production company), then send again.")),
    ("LEDGER_CUSTOMER_BLOCKED", ERROR_TEXTS["LEDGER_CUSTOMER_BLOCKED"],
     N_("Visma.net refuses journals because your Visma.net customer account is blocked. Ask Visma to "
        "unblock it (often an unpaid licence), then send again.")),
    ("LEDGER_ACCOUNT_MISSING", ERROR_TEXTS["LEDGER_ACCOUNT_MISSING"],
     N_("Ledger account %(value)s does not exist or is inactive in Visma.net. Create or activate it in "
        "Visma.net's chart of accounts, then send again.")),
    ("LEDGER_PERIOD_CLOSED", ERROR_TEXTS["LEDGER_PERIOD_CLOSED"],
     N_("Financial period %(value)s is closed (or does not exist) in Visma.net's General Ledger. Open the "
        "period in Visma.net, then send again.")),
    ("LEDGER_NO_LICENSE", re.compile(r"No license for this company", re.I),  # published (12027)
     N_("Visma.net says there is no licence for this company: the authorised user needs the Financials "
        "User role in it and the Financials licence must be active. Fix this in Visma.net, then send again.")),
)
UNKNOWN = N_("Visma.net refused the journal: %(value)s")


def advise(exc: RemoteRejected) -> Advice:
    """The advice for one refusal (``LEDGER_REFUSED`` with Visma's own words when no rule matches)."""
    body = exc.body if isinstance(exc.body, dict) else {}
    text = str(body.get("ExceptionMessage") or body.get("message") or exc.message)
    if str(body.get("ExceptionFaultCode")) == "12027":
        return Advice("LEDGER_NO_LICENSE", RULES[-1][2])
    for code, pattern, message in RULES:
        match = pattern.search(text)
        if match:
            return Advice(code, message, match.group(1) if match.groups() else "")
    return Advice("LEDGER_REFUSED", UNKNOWN, text)
