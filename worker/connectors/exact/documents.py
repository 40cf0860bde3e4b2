"""Posting one canonical order into an Exact division: debtor, items, then the document."""
from __future__ import annotations

import dataclasses
import datetime as dt

from worker.canonical import Order
from worker.connectors import links
from worker.connectors.exact import mapping
from worker.connectors.exact.client import ExactClient

# document type → (entity path, key field, lines field)
ENTITIES = {
    "invoice": ("salesinvoice/SalesInvoices", "InvoiceID", "InvoiceNumber"),
    "order": ("salesorder/SalesOrders", "OrderID", "OrderNumber"),
    "entry": ("salesentry/SalesEntries", "EntryID", "EntryNumber"),
}
# Pages of 60 read at most by a reconciliation (30,000 documents).
LIST_PAGES = 500


def odata_string(value: str) -> str:
    """A string literal for ``$filter`` (single quotes doubled)."""
    return "'" + value.replace("'", "''") + "'"


@dataclasses.dataclass
class RemoteDocument:
    """A document as the target knows it."""

    remote_id: str
    number: str | None
    status: str | None
    total: str | None = None


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
                                      "$select": f"{key},{number},Status,AmountDC"})
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
        """Exact item ids by code for every line, created when missing, never updated."""
        found: dict[str, str] = {}
        for line in order.lines:
            code = mapping.item_code(line)
            if code in found:
                continue
            row = mapping.vat_row(self.settings, order, line)

            def lookup(code=code) -> str | None:
                rows = self.client.get("logistics/Items", {"$filter": f"Code eq {odata_string(code)}", "$select": "ID"})
                return rows[0]["ID"] if rows else None

            def create(line=line, row=row) -> str:
                return self.client.post("logistics/Items",
                                        mapping.item_payload(line, row, self.settings.get("default_unit")))["ID"]

            found[code] = links.find_or_create(self.connection_id, "item", code, lookup, create)
        return found

    def delivery_address(self, order: Order, account: str) -> str | None:
        if order.shipping is None:
            return None
        return self.client.post("crm/Addresses", mapping.address_payload(account, order.shipping))["ID"]

    @staticmethod
    def _remote(document_type: str, row: dict) -> RemoteDocument:
        _, key, number = ENTITIES[document_type]
        total = row.get("AmountDC")
        return RemoteDocument(remote_id=row[key], number=str(row.get(number) or "") or None,
                              status=str(row.get("Status") or "") or None,
                              total=None if total is None else str(total))
