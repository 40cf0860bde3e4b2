"""Posting one canonical order into a Factuursturen account: the client, the invoice, then its payment.

Exactly once: the invoice carries our reference in ``reference.line1``; before it is sent we
remember which client it is for, so a posting in doubt is looked up among that client's invoices.
"Paid" (manual 001 §7) is not a field: it is a payment registered on the invoice afterwards. An
invoice that exists but whose payment did not get through is reported as in doubt, and the look-up
that follows registers the payment, so the invoice is never created twice.
"""
from __future__ import annotations

import datetime as dt

from worker.canonical import Order
from worker.connectors import links
from worker.connectors.errors import MappingError, OutcomeUnknown, RemoteError, RemoteRejected
from worker.connectors.factuursturen import limits, mapping, values
from worker.connectors.factuursturen.client import FactuursturenClient
from worker.connectors.base import RemoteDocument

INVOICE_CLIENT = "invoice-client"  # remote_links kind: our reference -> the clientnr its invoice is for


def remote(row: dict) -> RemoteDocument:
    """Our view of an invoice; ``total`` is ``totalintax``, ``status`` paid when nothing is open."""
    total = values.money(row.get("totalintax"))
    paid = values.money(row.get("open")) == 0
    return RemoteDocument(str(row["invoicenr"]), str(row.get("invoicenr_full") or row["invoicenr"]),
                          "paid" if paid else "open", None if total is None else f"{total:.2f}",
                          customer=row.get("email") or None)


def reference_of(row: dict) -> str:
    reference = row.get("reference")
    return str(reference.get("line1") or "") if isinstance(reference, dict) else ""


class FactuursturenDocuments:
    """Finds and creates clients and invoices for one connection."""

    def __init__(self, client: FactuursturenClient, settings: dict):
        self.client = client
        self.settings = settings
        self.connection_id = client.connection_id

    def find(self, document_type: str, reference: str) -> RemoteDocument | None:
        """The invoice carrying our reference, its payment registered if that was still missing."""
        clientnr = links.cached(self.connection_id, INVOICE_CLIENT, reference)
        rows = self.client.get("invoices", {"clientnr": clientnr} if clientnr else None)
        for row in rows or []:
            if reference_of(row) == reference:
                return self._paid(values.one(self.client.get(f"invoices/{row['invoicenr']}"), "invoice"))
        return None

    def listed(self, document_type: str, since: dt.datetime) -> list[dict]:
        """Invoices sent since ``since`` that carry a reference: ``{"reference", "id", "number"}``."""
        day = since.date().isoformat()
        return [{"reference": reference_of(row), "id": str(row["invoicenr"]),
                 "number": str(row.get("invoicenr_full") or row["invoicenr"])}
                for row in self.client.get("invoices") or []
                if reference_of(row) and str(row.get("sent") or "")[:10] >= day]

    def create(self, document_type: str, order: Order, before_send=lambda body: None) -> RemoteDocument:
        """Client first, then the invoice (one unit of the hourly budget), then its payment and read-back."""
        limits.check(self.connection_id, limits.invoices())  # no client work while the hour is used up
        clientnr, client = self.client_of(order)
        if order.vat_regime == "intra_eu_reverse_charge" and not values.flag(client.get("tax_shifted")):
            # An existing client is never changed (manual 001), and without reverse charge on it the 0 %
            # invoice would lack "BTW verlegd": the merchant fixes the client, then presses Process.
            raise MappingError("CLIENT_NOT_REVERSE_CHARGE", client.get("company") or order.customer.email,
                               system="Factuursturen")
        incl = client.get("taxtype", "intax") != "extax"
        body = mapping.invoice_payload(order, clientnr, incl, self.settings)
        links.forget(self.connection_id, INVOICE_CLIENT, order.number)  # the client may be new since a try
        links.remember(self.connection_id, INVOICE_CLIENT, order.number, clientnr, created=False)
        limits.take_invoice(self.connection_id)
        before_send(body)
        invoicenr = self.client.create("invoices", body)
        try:
            return self._paid(values.one(self.client.get(f"invoices/{invoicenr}"), "invoice"), order.date)
        except RemoteError as exc:
            # The invoice exists: only the look-up may go on from here, never a second POST.
            raise OutcomeUnknown(f"invoice {invoicenr} was created; its payment and read-back wait: {exc}") from exc

    def _paid(self, row: dict, paid_on: dt.date | None = None) -> RemoteDocument:
        """Register the payment (manual 001: invoices with status paid) unless it is there already."""
        found = remote(row)
        if found.status != "paid":
            when = paid_on or dt.date.today()
            self.client.put(f"invoices_payment/{found.remote_id}", {"date": when.isoformat()})
            found.status = "paid"
        return found

    def client_of(self, order: Order) -> tuple[str, dict]:
        """(clientnr, client record): matched on e-mail, created when missing, never changed (manual 001 §2)."""
        email = (order.customer.email or "").strip()
        if not email:
            raise MappingError("CUSTOMER_WITHOUT_EMAIL", order.number)
        found: dict = {}

        def lookup() -> str | None:
            """The client with this e-mail address (Factuursturen lists every client; compared case-blind)."""
            for row in self.client.get("clients") or []:
                if str(row.get("email") or "").strip().lower() == email.lower():
                    found.update(row)
                    return str(row["clientnr"])
            return None

        def create() -> str:
            payload = mapping.client_payload(order)
            found.update(payload)
            return self.client.create("clients", payload)

        clientnr = links.find_or_create(self.connection_id, "debtor", email.lower(), lookup, create)
        if not found:  # remembered from an earlier order: its own record says how it is priced
            try:
                found.update(values.one(self.client.get(f"clients/{clientnr}"), "client"))
            except RemoteRejected as exc:
                if exc.status == 404:  # deleted in Factuursturen since: the next try finds or makes another
                    links.forget(self.connection_id, "debtor", email.lower())
                raise
            if str(found.get("email") or "").strip().lower() != email.lower():
                # The merchant gave that client another e-mail address since: the remembered client is no longer
                # this customer (manual 001: match on e-mail), so it is matched again, never booked on blindly.
                links.forget(self.connection_id, "debtor", email.lower())
                found.clear()
                clientnr = links.find_or_create(self.connection_id, "debtor", email.lower(), lookup, create)
        return clientnr, found
