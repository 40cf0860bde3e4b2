"""Visma eAccounting's side of the mirror (worker.mirror): debtors (customers by EmailAddress) and items
(articles by Number).

Reads are the list endpoints, 100 a page (``$page``/``$pagesize``, ``Meta.TotalNumberOfPages``), with
``$select``: the 2018 swagger declares no query options at all, but targets.md §2.4 has Visma accept
OData ``$filter``/``$select``/``$orderby``/``$skip``/``$top`` on list endpoints; were ``$select``
ignored, whole records come back and nothing breaks. A delta filters on ``ChangedUtc`` (UTC, Visma's
own clock) in OData v4's bare date-time form. Look-ups are ``… eq … or …`` filters in URL-sized batches.
A customer's ``IsPrivatePerson`` is kept with it (``details``): it decides whether prices go incl. VAT.
"""
from __future__ import annotations

import datetime as dt

from worker.connectors.odata import filter_batches, odata_string
from worker.connectors.visma_eaccounting.client import VismaClient
from worker.mirror import Row

# kind → (collection, key field, other fields read)
ENTITIES = {"debtor": ("customers", "EmailAddress", ("IsPrivatePerson",)), "item": ("articles", "Number", ())}


def changed(value) -> dt.datetime | None:
    """``ChangedUtc`` (ISO, UTC) as an aware datetime; None when absent or unreadable."""
    try:
        stamp = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=dt.timezone.utc)


def literal(stamp: dt.datetime) -> str:
    """A bare OData v4 date-time literal in UTC (``2026-12-01T10:00:00Z``)."""
    return stamp.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class VismaMirror:
    """Pages and batched look-ups of one company's customers and articles."""

    def __init__(self, client: VismaClient):
        self.client = client

    def pages(self, kind: str, since: dt.datetime | None, resume: str | None):
        """Every page of ``kind`` (changed at or after ``since``), as mirror rows with the next page's number."""
        params = {"$select": self.select(kind)}
        if since is not None:
            params["$filter"] = f"ChangedUtc ge {literal(since)}"
        for rows, following in self.client.pages(ENTITIES[kind][0], params, resume):
            yield [self.row(kind, row) for row in rows if row.get(ENTITIES[kind][1])], following

    def lookup(self, kind: str, keys: list[str]) -> list[Row]:
        """The records with any of ``keys``: one ``… eq … or …`` filter per URL-sized batch."""
        collection, field, _ = ENTITIES[kind]
        found: list[Row] = []
        for batch in filter_batches([f"{field} eq {odata_string(key)}" for key in keys]):
            rows = self.client.get(collection, {"$filter": " or ".join(batch), "$select": self.select(kind)})
            found.extend(self.row(kind, row) for row in rows if row.get(field))
        return found

    @staticmethod
    def select(kind: str) -> str:
        _, field, others = ENTITIES[kind]
        return ",".join(("Id", field, "ChangedUtc", *others))

    @staticmethod
    def row(kind: str, row: dict) -> Row:
        _, field, others = ENTITIES[kind]
        details = {name: row[name] for name in others if name in row} or None
        return Row(remote_id=str(row["Id"]).lower(), key=str(row[field]), modified=changed(row.get("ChangedUtc")),
                   details=details)
