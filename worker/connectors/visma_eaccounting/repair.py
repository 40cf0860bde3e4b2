"""Telling from Visma's answer that a mirrored customer or article is gone from the company.

Visma refuses a document naming a customer or article that does not exist with a 400 and ErrorCode
3000 ResourceNotFound (targets.md §2.5, §2.9 item 3); the sandbox words it "Customer with id <id>
was not found." (the wording is inferred; the code is documented). A 400 is a definitive refusal:
nothing was stored, so sending the document again with records that exist books it once.
"""
from __future__ import annotations

import re

from worker.connectors.errors import RemoteRejected

# The resource a 3000 names → the mirrored kind it is.
RESOURCES = {"customer": "debtor", "article": "item"}
_MISSING = re.compile(r"\b(customer|article)\b\W+(?:with\s+)?id\W+([0-9a-f-]{36})", re.IGNORECASE)


def code_of(exc: RemoteRejected) -> int | None:
    body = exc.body if isinstance(getattr(exc, "body", None), dict) else {}
    try:
        return int(body.get("ErrorCode"))
    except (TypeError, ValueError):
        return None


def gone(exc: RemoteRejected, used: dict[str, list[str]]) -> dict[str, list[str]]:
    """The remote ids, by kind, that the refused document used and Visma says do not exist."""
    if exc.status != 400 or code_of(exc) != 3000:
        return {}
    found: dict[str, list[str]] = {}
    for resource, remote_id in _MISSING.findall(str(exc.message or "")):
        kind = RESOURCES[resource.lower()]
        if remote_id.lower() in {used_id.lower() for used_id in used.get(kind, [])}:
            found.setdefault(kind, []).append(remote_id.lower())
    return found  # a record we did not take from the mirror (a fixed debtor, a coding): the merchant's, not ours
