"""Posting one canonical order into a SnelStart administration: relation, articles, then the booking or order."""
from __future__ import annotations

import re
from decimal import Decimal

from worker.canonical import Line, Order
from worker.connectors import links
from worker.connectors.errors import MappingError, OutcomeUnknown, RemoteRejected, RemoteUnavailable, Throttled
from worker.connectors.odata import odata_string
from worker.connectors.snelstart import booking, oss, payment, salesorder
from worker.connectors.snelstart.client import SnelStartClient
from worker.vat_map import vat_row
from worker.connectors.base import RemoteDocument

GONE_RELATION = re.compile(r"Verkoopboeking\.Klant|Verkooporder\.Relatie")
ARTICLE_PAGE = 25  # /artikelen caps $top at 25 (§3.3)
NO_ORDERS = ("Your SnelStart package (InKaart) cannot take sales orders; that needs InBalans or InZicht. "
             "Choose sales bookings in Configuration, then press Process.")


def narrow_code(exc: RemoteRejected, code: str) -> Exception:
    """A refused article whose code SnelStart's default setting (10 digits, manual 002) cannot hold says
    what to widen; any other refusal stays SnelStart's own message."""
    if exc.status == 400 and "Artikelcode" in (exc.message or "") and (len(code) > 10 or not code.isdigit()):
        return MappingError("ARTICLE_CODE_TOO_NARROW", code, system="SnelStart")
    return exc


def from_invoice(row: dict) -> RemoteDocument:
    """A sales booking, as /verkoopfacturen lists it (the booking's id, its invoice number and amount)."""
    booked = (row.get("verkoopBoeking") or {}).get("id") or row["id"]
    return RemoteDocument(booked, row.get("factuurnummer"), "booked", f"{Decimal(str(row['factuurBedrag'])):.2f}")


def from_booking(row: dict) -> RemoteDocument:
    return RemoteDocument(row["id"], row.get("factuurnummer"), "booked", f"{Decimal(str(row['factuurbedrag'])):.2f}")


def from_order(row: dict) -> RemoteDocument:
    return RemoteDocument(row["id"], str(row.get("nummer") or ""), row.get("procesStatus") or "Order",
                          f"{salesorder.total(row):.2f}")


class SnelStartDocuments:
    """Finds and creates relations, articles and documents for one connection (one administration)."""

    def __init__(self, client: SnelStartClient, settings: dict):
        self.client = client
        self.settings = settings
        self.reference = settings.get("reference") or {}
        self.connection_id = client.connection_id

    def find(self, document_type: str, reference: str) -> RemoteDocument | None:
        """The booking or order carrying our reference (after a timeout: exactly once)."""
        if document_type == "order":
            rows = self.client.get(salesorder.PATH, {"$filter": f"betalingskenmerk eq {odata_string(reference[:50])}"})
            return from_order(rows[0]) if rows else None
        number = booking.invoice_number(reference)
        rows = self.client.get("verkoopfacturen", {"$filter": f"factuurnummer eq {odata_string(number)}"})
        return from_invoice(rows[0]) if rows else None

    def create(self, document_type: str, order: Order, before_send=lambda body: None) -> RemoteDocument:
        """Create the document: relation (and articles) first, then ``before_send(body)``, then the POST."""
        if document_type == "order" and not self.reference.get("orders_allowed", True):
            raise RemoteRejected(403, NO_ORDERS)
        self.check(document_type, order)
        relation = self.relation(order)
        try:
            if document_type == "order":
                articles = self.articles(order)
                body = salesorder.payload(order, order.number, relation, articles, self.settings, self.countries())
                before_send(body)
                return from_order(self.client.post(salesorder.PATH, body))
            body = booking.payload(order, order.number, relation, self.settings)
            before_send(body)
            created = from_booking(self.client.post(booking.PATH, body))
        except RemoteRejected as exc:
            if GONE_RELATION.search(exc.message or ""):  # deleted in SnelStart since: Process looks it up again
                links.forget(self.connection_id, "debtor", (order.customer.email or "").strip().lower())
            raise
        if payment.due(order, self.settings):  # a booking just made has no payment yet: no lookup needed
            try:
                self.pay(order, created.remote_id, before_send)
            except (Throttled, RemoteUnavailable) as exc:
                # The booking exists: the posting must stay "maybe sent", or the next try would book it again;
                # in doubt it is looked up after the settle window and ``complete`` sends the payment.
                raise OutcomeUnknown(f"sales booking made, its payment not yet: {exc}") from exc
        return created

    def check(self, document_type: str, order: Order) -> None:
        """What can be refused without asking SnelStart (VAT mapping, OSS), before anything is sent."""
        if document_type == "entry":
            booking.lines_and_vat(order, self.settings)
            return
        for line in order.lines:
            oss.check_sales_order_line(order, line, vat_row(self.settings, order, line))

    def complete(self, document_type: str, order: Order, found: RemoteDocument,
                 before_send=lambda body: None) -> RemoteDocument:
        """A found sales booking with the payment of a paid order: looked up by its boekstuk, sent only
        when missing (after a lost answer the pipeline finds the booking and comes here)."""
        if document_type == "entry" and payment.due(order, self.settings):
            rows = self.client.get(payment.MUTATIONS,
                                   {"$filter": f"boekstuk eq {odata_string(payment.boekstuk(order.number))}"})
            if not payment.booked(rows, self.settings.get("journal")):
                self.pay(order, found.remote_id, before_send)
        return found

    def pay(self, order: Order, booking_id: str, before_send) -> None:
        """POST the payment's memorial booking, committed as in flight first (payment.py)."""
        body = payment.payload(order, order.number, booking_id, self.settings)
        before_send(body)
        self.client.post(payment.PATH, body)

    def countries(self) -> dict[str, str]:
        """SnelStart's country ids by ISO code."""
        return {row.get("landcodeISO"): row["id"] for row in self.reference.get("countries", [])}

    def relation(self, order: Order) -> str:
        """The payment method's fixed debtor, else the debtor Configuration names for an order without e-mail
        (``order.debtor``, worker.pipeline.debtors), else the relation matched on e-mail (manual 002), created
        when missing and never changed. ICP orders always get their own, with the VAT number the 0 % needs."""
        fixed = (self.settings.get("payment_debtors") or {}).get(order.payment_method) or order.debtor
        if fixed and order.vat_regime != "intra_eu_reverse_charge":
            return fixed
        email = (order.customer.email or "").strip().lower()
        if not email:
            raise MappingError("CUSTOMER_WITHOUT_EMAIL", order.number)

        def lookup() -> str | None:
            """Relations cannot be filtered on e-mail (only on SnelStart's OData model), so page and match here."""
            rows = self.client.get("relaties")
            return next((r["id"] for r in rows if (r.get("email") or "").strip().lower() == email
                         and "Klant" in (r.get("relatiesoort") or [])), None)

        def create() -> str:
            payload = salesorder.relation_payload(order.customer, order.billing, self.countries())
            return self.client.post("relaties", payload)["id"]

        return links.find_or_create(self.connection_id, "debtor", email, lookup, create)

    def articles(self, order: Order) -> dict[str, str]:
        """Article ids by code for every line, created when missing, never updated (manual 002)."""
        incl = self.settings.get("price_mode") == "incl"
        found: dict[str, str] = {}
        for line in order.lines:
            code = salesorder.article_code(line)
            if code in found:
                continue

            def lookup(code=code) -> str | None:
                rows = self.client.get("artikelen", {"$filter": f"artikelcode eq {odata_string(code)}"},
                                       page=ARTICLE_PAGE)
                return rows[0]["id"] if rows else None

            def create(line=line, code=code) -> str:
                payload = salesorder.article_payload(line, self.revenue_group(order, line), incl)
                try:
                    return self.client.post("artikelen", payload)["id"]
                except RemoteRejected as exc:
                    raise narrow_code(exc, code) from exc

            found[code] = links.find_or_create(self.connection_id, "item", code, lookup, create)
        return found

    def revenue_group(self, order: Order, line: Line) -> str:
        """The revenue group booking on the line's ledger, else the one of its VAT kind."""
        row = vat_row(self.settings, order, line)
        oss.check_sales_order_line(order, line, row)
        kind = booking.LINE_KIND.get(row["vat_code"], row["vat_code"])
        groups = self.reference.get("revenue_groups", [])
        for group in groups:
            if row.get("gl_account") and (group.get("verkoopGrootboekNederlandIdentifier") or {}).get("id") == row["gl_account"]:
                return group["id"]
        for group in groups:
            if group.get("verkoopNederlandBtwSoort") == kind:
                return group["id"]
        raise MappingError("VAT_NOT_MAPPED", f"{line.vat_rate:.2f} %")
