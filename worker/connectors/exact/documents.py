"""Posting one canonical order into an Exact division: debtor, items, then the document."""
from __future__ import annotations

import datetime as dt

from worker.canonical import Order
from worker.connectors.errors import OutcomeUnknown
from worker.connectors.exact import mapping, repair
from worker.connectors.exact.client import ExactClient
from worker.connectors.odata import odata_string
from worker.connectors.exact.mirror import ExactMirror
from worker.connectors.base import RemoteDocument
from worker.mirror import normal, store
from worker.mirror.resolve import resolve

# document type → (entity path, key field, lines field)
ENTITIES = {
    "invoice": ("salesinvoice/SalesInvoices", "InvoiceID", "InvoiceNumber"),
    "order": ("salesorder/SalesOrders", "OrderID", "OrderNumber"),
    "entry": ("salesentry/SalesEntries", "EntryID", "EntryNumber"),
}
# Pages of 60 read at most by a reconciliation (30,000 documents).
LIST_PAGES = 500


class ExactDocuments:
    """Finds and creates debtors, items and documents for one connection."""

    def __init__(self, client: ExactClient, settings: dict, administration: str):
        self.client = client
        self.settings = settings
        self.administration = administration  # the mirror used must be of this administration
        self.connection_id = client.connection_id
        self.mirror = ExactMirror(client)
        # What the last attempt used (remote ids, keys by kind), and keys to look up again after a repair.
        self._used: dict[str, list[str]] = {}
        self._keys: dict[str, list[str]] = {}
        self._recheck: dict[str, set[str]] = {}

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
        """Create the document: debtor and items first, then ``before_send(body)``, then the POST.

        When Exact refuses it for a debtor or item that is gone from the division (deleted there, still
        in our mirror), the mirror is repaired, the record looked up or created again, and the document
        sent once more: it cannot have been stored pointing at a record that does not exist.
        """
        try:
            return self._send(document_type, order, before_send)
        except OutcomeUnknown as exc:
            gone = repair.gone(self.mirror, exc, self._used)
            if not gone:
                raise
        for kind, remote_ids in gone.items():
            store.forget(self.connection_id, kind, remote_ids)
        self._recheck = {kind: set(keys) for kind, keys in self._keys.items() if kind in gone}
        return self._send(document_type, order, before_send)

    def _send(self, document_type: str, order: Order, before_send) -> RemoteDocument:
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
        """The debtor for the order's customer: from the mirror by e-mail, created when missing, never updated."""
        fixed = (self.settings.get("payment_debtors") or {}).get(order.payment_method)
        if fixed and order.vat_regime != "intra_eu_reverse_charge":
            self._used["debtor"] = []  # the merchant's choice, not the mirror's: never replaced
            return fixed
        email = order.customer.email
        if not email:
            raise mapping.MappingError("CUSTOMER_WITHOUT_EMAIL", order.number)

        def create(_key: str) -> str:
            return self.client.post("crm/Accounts", mapping.account_payload(order.customer, order.billing, self.settings))["ID"]

        self._keys["debtor"] = [normal(email)]
        account = resolve(self.connection_id, self.administration, "debtor", [email], self.mirror, create,
                          self._recheck.get("debtor", ()))[normal(email)]
        self._used["debtor"] = [account]
        return account

    def items(self, order: Order) -> dict[str, str]:
        """Exact item ids by code for every line: from the mirror, else found in batches, else created; never updated."""
        first_line = {}
        for line in order.lines:
            first_line.setdefault(mapping.item_code(line), line)
        by_key = {normal(code): code for code in first_line}

        def create(key: str) -> str:
            line = first_line[by_key[key]]
            payload = mapping.item_payload(line, mapping.vat_row(self.settings, order, line),
                                           self.settings.get("default_unit"))
            return self.client.post("logistics/Items", payload)["ID"]

        self._keys["item"] = list(by_key)
        found = resolve(self.connection_id, self.administration, "item", list(first_line), self.mirror, create,
                        self._recheck.get("item", ()))
        self._used["item"] = sorted(set(found.values()))
        return {code: found[normal(code)] for code in first_line}  # "SKU-1" and "sku-1" are one Exact item

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
