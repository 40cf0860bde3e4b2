"""Exact Online's side of the mirror (worker.mirror): debtors (crm/Accounts by Email) and items (logistics/Items by Code).

Reads are the normal list endpoints with ``$select`` (60 a page, ``__next`` links), a delta filters on
``Modified``. Exact writes ``Modified`` as ``/Date(ms)/``; the same wall-clock value goes back in the
``datetime'…'`` literal, so the watermark stays on Exact's own clock whatever zone it keeps it in.
"""
from __future__ import annotations

import datetime as dt
import re

from worker.connectors.exact.client import ExactClient
from worker.connectors.odata import filter_batches, odata_string
from worker.mirror import Row

# kind → (entity path, key field)
ENTITIES = {"debtor": ("crm/Accounts", "Email"), "item": ("logistics/Items", "Code")}
_NET_DATE = re.compile(r"/Date\((-?\d+)")


def modified(value) -> dt.datetime | None:
    """``/Date(ms)/`` as a UTC datetime (None when absent or unreadable)."""
    match = _NET_DATE.match(str(value or ""))
    return dt.datetime.fromtimestamp(int(match.group(1)) / 1000, dt.timezone.utc) if match else None


def literal(stamp: dt.datetime) -> str:
    return "datetime'" + stamp.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + "'"


class ExactMirror:
    """Pages and batched look-ups of one division's debtors and items."""

    def __init__(self, client: ExactClient):
        self.client = client

    def pages(self, kind: str, since: dt.datetime | None, resume: str | None):
        """Every page of ``kind`` (changed at or after ``since``), as mirror rows with the next page's link."""
        path, field = ENTITIES[kind]
        params = {"$select": f"ID,{field},Modified"}
        if since is not None:
            params["$filter"] = f"Modified ge {literal(since)}"
        for rows, following in self.client.pages(path, params, resume):
            yield [self.row(kind, row) for row in rows if row.get(field)], following

    def lookup(self, kind: str, keys: list[str]) -> list[Row]:
        """The records with any of ``keys``: one ``… eq … or …`` filter per URL-sized batch."""
        path, field = ENTITIES[kind]
        found: list[Row] = []
        for batch in filter_batches([f"{field} eq {odata_string(key)}" for key in keys]):
            rows = self.client.get(path, {"$filter": " or ".join(batch), "$select": f"ID,{field},Modified"})
            found.extend(self.row(kind, row) for row in rows if row.get(field))
        return found

    def missing(self, kind: str, remote_ids: list[str]) -> set[str]:
        """Which of ``remote_ids`` the division no longer holds (deleted there)."""
        path, _ = ENTITIES[kind]
        present: set[str] = set()
        for batch in filter_batches([f"ID eq guid'{remote_id}'" for remote_id in remote_ids]):
            present |= {str(row["ID"]).lower() for row in self.client.get(path, {"$filter": " or ".join(batch),
                                                                                "$select": "ID"})}
        return {remote_id for remote_id in remote_ids if remote_id.lower() not in present}

    @staticmethod
    def row(kind: str, row: dict) -> Row:
        return Row(remote_id=row["ID"], key=str(row[ENTITIES[kind][1]]), modified=modified(row.get("Modified")))
