"""OData ``$filter`` building blocks shared by the targets that speak it (Exact, Visma eAccounting, SnelStart):
string literals and URL-sized batches of ``or``-joined clauses."""
from __future__ import annotations

import urllib.parse

# Exact refuses query strings over 2,048 bytes, as IIS does by default (Visma); a batch of clauses stays well under.
FILTER_BUDGET = 1500


def filter_batches(clauses: list[str]) -> list[list[str]]:
    """``clauses`` in groups whose ``" or "``-joined, URL-encoded filter fits ``FILTER_BUDGET``."""
    batches: list[list[str]] = []
    size = 0
    for clause in clauses:
        cost = len(urllib.parse.quote(clause + " or "))
        if not batches or size + cost > FILTER_BUDGET:
            batches.append([])
            size = 0
        batches[-1].append(clause)
        size += cost
    return batches


def odata_string(value: str) -> str:
    """A string literal for ``$filter`` (single quotes doubled)."""
    return "'" + value.replace("'", "''") + "'"
