"""Posting one canonical order into an Exact division: debtor, items, then the document."""
from __future__ import annotations

import datetime as dt
import urllib.parse

from worker.canonical import Order
from worker.connectors import links
from worker.connectors.exact import mapping
from worker.connectors.exact.client import ExactClient
from worker.connectors.base import RemoteDocument

# document type → (entity path, key field, lines field)
ENTITIES = {
    "invoice": ("salesinvoice/SalesInvoices", "InvoiceID", "InvoiceNumber"),
    "order": ("salesorder/SalesOrders", "OrderID", "OrderNumber"),
    "entry": ("salesentry/SalesEntries", "EntryID", "EntryNumber"),
}
# Pages of 60 read at most by a reconciliation (30,000 documents).
LIST_PAGES = 500


# Exact refuses query strings over 2,048 bytes; a batch of filter clauses stays well under it.
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


class ExactDocuments:
    """Finds and creates debtors, items and documents for one connection."""

    def __init__(self, client: ExactClient, settings: dict):
        self.client = client
        self.settings = settings
        self.connection_id = client.connection_id

    def find(self, document_type: str, reference: str) -> RemoteDocument | None:
        """The document carrying our reference (YourRef), if Exact has one."""
        path, key, number = ENTITIES[document_type]
        rows = self.client.get(path, {"$filter": f"YourRef eq {odata_string(reference)}",
                                      "$select": f"{key},{number},Status,AmountFC"})
        if not rows:
            return None
        return self._remote(document_type, rows[0])

    def listed(self, document_type: str, since: dt.datetime) -> list[dict]:
        """Documents created since ``since`` that carry a reference: ``{"reference", "id", "number"}``."""
        path, key, number = ENTITIES[document_type]
        stamp = since.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
        rows = self.client.get(path, {"$filter": f"Created ge datetime'{stamp}'",
                                      "$select": f"{key},{number},YourRef"}, max_pages=LIST_PAGES)
        return [{"reference": row["YourRef"], "id": row[key], "number": str(row.get(number) or "")}
                for row in rows if row.get("YourRef")]

    def create(self, document_type: str, order: Order, before_send=lambda body: None) -> RemoteDocument:
        """Create the document: debtor and items first, then ``before_send(body)``, then the POST."""
        account = self.debtor(order)
        if document_type == "entry":
            body = mapping.entry_payload(order, account, self.settings)
        else:
            items = self.items(order)
            if document_type == "invoice":
                body = mapping.invoice_payload(order, account, items, self.settings)
            else:
                address = self.delivery_address(order, account)
                body = mapping.order_payload(order, account, items, self.settings, address)
        before_send(body)
        return self._remote(document_type, self.client.post(ENTITIES[document_type][0], body))

    def debtor(self, order: Order) -> str:
        """The debtor for the order's customer: matched on e-mail, created when missing, never updated."""
        fixed = (self.settings.get("payment_debtors") or {}).get(order.payment_method)
        if fixed and order.vat_regime != "intra_eu_reverse_charge":
            return fixed
        email = order.customer.email
        if not email:
            raise mapping.MappingError("CUSTOMER_WITHOUT_EMAIL", order.number)

        def lookup() -> str | None:
            rows = self.client.get("crm/Accounts", {"$filter": f"Email eq {odata_string(email)}", "$select": "ID"})
            return rows[0]["ID"] if rows else None

        def create() -> str:
            return self.client.post("crm/Accounts", mapping.account_payload(order.customer, order.billing, self.settings))["ID"]

        return links.find_or_create(self.connection_id, "debtor", email, lookup, create)

    def items(self, order: Order) -> dict[str, str]:
        """Exact item ids by code for every line: cached, else found in batches, else created; never updated."""
        first_line = {}
        for line in order.lines:
            first_line.setdefault(mapping.item_code(line), line)
        found = links.cached_many(self.connection_id, "item", list(first_line))
        for code, item_id in self._find_items([c for c in first_line if c not in found]).items():
            links.remember(self.connection_id, "item", code, item_id, created=False)
            found[code] = item_id
        for code, line in first_line.items():
            if code not in found:
                payload = mapping.item_payload(line, mapping.vat_row(self.settings, order, line),
                                               self.settings.get("default_unit"))
                found[code] = self.client.post("logistics/Items", payload)["ID"]
                links.remember(self.connection_id, "item", code, found[code], created=True)
        return found

    def _find_items(self, codes: list[str]) -> dict[str, str]:
        """Existing items among ``codes``: one ``Code eq … or …`` filter per URL-sized batch."""
        found: dict[str, str] = {}
        wanted = {code.strip().lower(): code for code in codes}  # Exact compares codes case-insensitively
        for batch in filter_batches([f"Code eq {odata_string(code)}" for code in codes]):
            for row in self.client.get("logistics/Items", {"$filter": " or ".join(batch), "$select": "ID,Code"}):
                code = wanted.get(str(row.get("Code", "")).strip().lower())
                if code:
                    found[code] = row["ID"]
        return found

    def delivery_address(self, order: Order, account: str) -> str | None:
        if order.shipping is None:
            return None
        return self.client.post("crm/Addresses", mapping.address_payload(account, order.shipping))["ID"]

    @staticmethod
    def _remote(document_type: str, row: dict) -> RemoteDocument:
        _, key, number = ENTITIES[document_type]
        total = row.get("AmountFC", row.get("AmountDC"))  # the document's own currency, like the order
        return RemoteDocument(remote_id=row[key], number=str(row.get(number) or "") or None,
                              status=str(row.get("Status") or "") or None,
                              total=None if total is None else str(total))
