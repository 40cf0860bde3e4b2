"""Posting one canonical order into a Visma eAccounting company: customer, articles, then the document."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

from worker.canonical import Line, Order
from worker.connectors import links
from worker.connectors.errors import RemoteRejected
from worker.connectors.visma_eaccounting import entries, mapping, rowcheck
from worker.connectors.visma_eaccounting.client import VismaClient
from worker.connectors.base import RemoteDocument

# document type -> (collection, reference field, number field); invoice drafts may have been
# turned into invoices by the merchant meanwhile, so those are searched too.
COLLECTIONS = {"invoice": (("customerinvoicedrafts", "YourReference", None),
                           ("customerinvoices", "YourReference", "InvoiceNumber")),
               "order": (("orders", "YourReference", "Number"),),
               "entry": (("customerledgeritems", "PaymentReferenceNumber", "InvoiceNumber"),)}


def odata_string(value: str) -> str:
    """A string literal for ``$filter`` (single quotes doubled)."""
    return "'" + value.replace("'", "''") + "'"


def remote(collection: str, row: dict) -> RemoteDocument:
    """Our view of a stored draft, invoice, order or sales booking; ``total`` is incl. VAT."""
    if collection == "orders":
        amount, vat = Decimal(str(row["Amount"])), Decimal(str(row["VatAmount"]))
        # Manual 000: an order's Amount is incl. VAT for private persons, excl. VAT for companies.
        total = amount if row.get("CustomerIsPrivatePerson") else amount + vat
        return RemoteDocument(row["Id"], str(row["Number"]), f"order status {row['Status']}", f"{total:.2f}")
    if collection == "customerledgeritems":
        return RemoteDocument(row["Id"], str(row["InvoiceNumber"]), "booked",
                              f"{Decimal(str(row['TotalAmountInvoiceCurrency'])):.2f}")
    number = row.get("InvoiceNumber")
    status = "draft" if collection == "customerinvoicedrafts" else "invoice"
    return RemoteDocument(row["Id"], None if number is None else str(number), status,
                          f"{Decimal(str(row['TotalAmount'])):.2f}")


class VismaDocuments:
    """Finds and creates customers, articles and documents for one connection."""

    def __init__(self, client: VismaClient, settings: dict):
        self.client = client
        self.settings = settings
        self.connection_id = client.connection_id
        self._company: dict | None = None
        self._codings: list[dict] | None = None
        self._units: list[dict] | None = None

    def find(self, document_type: str, reference: str) -> RemoteDocument | None:
        """The document carrying our reference, if Visma has one."""
        for collection, field, _ in COLLECTIONS[document_type]:
            rows = self.client.get(collection, {"$filter": f"{field} eq {odata_string(reference)}"})
            if rows:
                return remote(collection, rows[0])
        return None

    def create(self, document_type: str, order: Order, before_send=lambda body: None) -> RemoteDocument:
        """Create the document: customer and articles first, then ``before_send(body)``, then the POST."""
        customer_id, private = self.customer(order)
        if document_type == "entry":
            body = entries.payload(order, customer_id, self.settings, self.vat_accounts())
            before_send(body)
            return remote("customerledgeritems", self.client.post(entries.PATH, body, entries.PARAMS))
        includes_vat = private and not self.company().get("ShowPricesExclVatPC")
        rows = mapping.sent_rows(order, includes_vat)
        rowcheck.check(order, rows, includes_vat)  # before any article is created or a document sent
        used = {id(line): line for line, _, _ in rows}
        articles = self.articles(dataclasses.replace(order, lines=type(order.lines)(used.values())))
        build = mapping.draft_payload if document_type == "invoice" else mapping.order_payload
        body = build(order, customer_id, articles, private, includes_vat)
        before_send(body)
        collection = COLLECTIONS[document_type][0][0]
        return remote(collection, self.client.post(collection, body))

    def company(self) -> dict:
        """The company settings (price display, default terms of payment), read once."""
        if self._company is None:
            self._company = self.client.get_one("companysettings")
        return self._company

    def customer(self, order: Order) -> tuple[str, bool]:
        """(customer id, private person?): fixed per payment method, else matched on e-mail or created."""
        fixed = (self.settings.get("payment_debtors") or {}).get(order.payment_method)
        if fixed and order.vat_regime != "intra_eu_reverse_charge":
            return fixed, self._is_private(fixed)
        email = order.customer.email
        if not email:
            raise mapping.MappingError("CUSTOMER_WITHOUT_EMAIL", order.number)
        found: dict = {}

        def lookup() -> str | None:
            """The customer with this e-mail address, remembering its record."""
            rows = self.client.get("customers", {"$filter": f"EmailAddress eq {odata_string(email)}"})
            found.update(rows[0] if rows else {})
            return found.get("Id")

        def create() -> str:
            """A new customer; the answer is the stored record."""
            terms = self.settings.get("terms_of_payment") or self.company()["TermsOfPaymentId"]
            found.update(self.client.post("customers", mapping.customer_payload(
                order.customer, order.billing, order.shipping, terms)))
            return found["Id"]

        customer_id = links.find_or_create(self.connection_id, "debtor", email, lookup, create)
        # A customer remembered from an earlier order: Visma's record decides the price basis.
        private = found["IsPrivatePerson"] if found else self._is_private(customer_id, email)
        return customer_id, private

    def _is_private(self, customer_id: str, email: str | None = None) -> bool:
        try:
            return bool(self.client.get_one(f"customers/{customer_id}")["IsPrivatePerson"])
        except RemoteRejected as exc:
            if exc.status == 404 and email:  # deleted in Visma since: forget it, so the next try makes a new one
                links.forget(self.connection_id, "debtor", email)
            raise

    def articles(self, order: Order) -> dict[str, str]:
        """Visma article ids by number for every line, created when missing, never updated."""
        found: dict[str, str] = {}
        for line in order.lines:
            number = mapping.article_number(line)
            if number in found:
                continue

            def lookup(number=number) -> str | None:
                """The article with this number."""
                rows = self.client.get("articles", {"$filter": f"Number eq {odata_string(number)}"})
                return rows[0]["Id"] if rows else None

            def create(line=line) -> str:
                """A new article priced and coded from the line."""
                payload = mapping.article_payload(line, self.coding(order, line), self.unit())
                return self.client.post("articles", payload)["Id"]

            found[number] = links.find_or_create(self.connection_id, "item", number, lookup, create)
        return found

    def coding(self, order: Order, line: Line) -> str:
        """The article coding for a line: the VAT settings' choice, else the active coding of its rate."""
        row = mapping.vat_row(self.settings, order, line)
        if row.get("coding"):
            return row["coding"]
        if self._codings is None:
            self._codings = self.client.get("articleaccountcodings")
        rate = line.vat_rate / 100
        for coding in self._codings:
            if coding.get("IsActive") and Decimal(str(coding.get("VatRatePercent"))) == rate:
                return coding["Id"]
        raise mapping.MappingError("VAT_NOT_MAPPED", f"{line.vat_rate:.2f} %")

    def unit(self) -> str:
        """The merchant's default unit for new articles, else Visma's piece unit (manual: PCE)."""
        if self.settings.get("default_unit"):
            return self.settings["default_unit"]
        if self._units is None:  # read once per order, not once per new article
            self._units = self.client.get("units")
        units = self._units
        chosen = next((u for u in units if u.get("Code") == "PCE"), units[0] if units else None)
        if chosen is None:
            raise mapping.MappingError("NO_UNIT", "the company has no units")
        return chosen["Id"]

    def vat_accounts(self) -> dict[str, int]:
        """The VAT account of every VAT code (its first related account)."""
        return {code["Id"]: (code.get("RelatedAccounts") or {}).get("AccountNumber1")
                for code in self.client.get("vatcodes")}
