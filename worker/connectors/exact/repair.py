"""Telling from Exact's answer that a mirrored debtor or item is gone from the division.

Exact refuses a document pointing at a record that does not exist with a 500 "Ongeldige referentie:
<field>" (targets.md §1.5). A 500 leaves the outcome in doubt in general, so the answer alone is
not trusted: the records the document used are read back (one call per kind), and only records
that are really gone count. A document pointing at a missing record cannot have been stored, so
sending it again with records that exist books it once.
"""
from __future__ import annotations

import re

from worker.connectors.errors import OutcomeUnknown

# The field an "invalid reference" answer names → the mirrored kind it points at.
FIELDS = {"orderedby": "debtor", "customer": "debtor", "account": "debtor", "invoiceto": "debtor",
          "deliverto": "debtor", "item": "item"}
_REFERENCE = re.compile(r"(?:ongeldige referentie|invalid reference)\s*:\s*(\w+)", re.IGNORECASE)


def gone(mirror, exc: OutcomeUnknown, used: dict[str, list[str]]) -> dict[str, list[str]]:
    """The remote ids, by kind, that the refused document used and the division no longer holds."""
    match = _REFERENCE.search(exc.remote_message or exc.message or "")
    if exc.status != 500 or not match:
        return {}
    kind = FIELDS.get(match.group(1).lower())
    if kind is None or not used.get(kind):
        return {}  # a reference we do not mirror (journal, VAT code): the merchant's settings, not ours
    missing = mirror.missing(kind, used[kind])
    return {kind: sorted(missing)} if missing else {}
