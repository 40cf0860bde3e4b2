"""Posting one canonical order into a Visma eAccounting company: customer, articles, then the document."""
from __future__ import annotations

import dataclasses
from decimal import Decimal

from worker.canonical import Line, Order
from worker.connectors.errors import RemoteRejected
from worker.connectors.visma_eaccounting import customers, entries, mapping, repair, rowcheck
from worker.connectors.visma_eaccounting.client import VismaClient
from worker.connectors.visma_eaccounting.mirror import VismaMirror, odata_string  # noqa: F401  (imported from here)
from worker.connectors.base import RemoteDocument
from worker.mirror import normal, store
from worker.mirror.resolve import resolve

# document type -> (collection, reference field, number field); invoice drafts may have been
# turned into invoices by the merchant meanwhile, so those are searched too.
COLLECTIONS = {"invoice": (("customerinvoicedrafts", "YourReference", None),
                           ("customerinvoices", "YourReference", "InvoiceNumber")),
               "order": (("orders", "YourReference", "Number"),),
               "entry": (("customerledgeritems", "PaymentReferenceNumber", "InvoiceNumber"),)}
# Sends of one document at most: Visma names one missing customer or article per refusal, and every
# refusal spends one of the endpoint's 9 an hour (client.ERRORS).
TRIES = 3


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

    def __init__(self, client: VismaClient, settings: dict, administration: str | None = None):
        self.client = client
        self.settings = settings
        # The mirror used must be of this administration (Target.administration_key; by default the connection's).
        self.administration = administration or f"connection:{client.connection_id}"
        self.connection_id = client.connection_id
        self.mirror = VismaMirror(client)
        # What the last attempt used (remote ids, keys by kind), and keys to look up again after a repair.
        self._used: dict[str, list[str]] = {}
        self._keys: dict[str, list[str]] = {}
        self._recheck: dict[str, set[str]] = {}
        self._mirrored: tuple[str, str] | None = None  # (customer id, e-mail) when the mirror gave the customer
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
        """Create the document: customer and articles first, then ``before_send(body)``, then the POST.

        When Visma refuses it because a customer or article from the mirror is gone (deleted in the
        company), the mirror is repaired, the record looked up or made again, and the document sent once
        more; a 400 stored nothing. Visma names one missing record per answer: at most ``TRIES`` sends.
        """
        for _ in range(TRIES - 1):
            try:
                return self._send(document_type, order, before_send)
            except RemoteRejected as exc:
                gone = repair.gone(exc, self._used)
                if not gone:
                    raise
            for kind, remote_ids in gone.items():
                store.forget(self.connection_id, kind, remote_ids)
            self._recheck = {kind: set(self._keys.get(kind, ())) for kind in gone}
        return self._send(document_type, order, before_send)

    def _send(self, document_type: str, order: Order, before_send) -> RemoteDocument:
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
        answer = self.client.post(collection, body)
        if self._mirrored and self._mirrored[0] == customer_id:
            customers.learn(self.connection_id, customer_id, self._mirrored[1], private, answer)
        return remote(collection, answer)

    def company(self) -> dict:
        """The company settings (price display, default terms of payment): from the reference data, else read once."""
        if self._company is None:
            self._company = self._reference().get("company") or self.client.get_one("companysettings")
        return self._company

    def _reference(self) -> dict:
        return self.settings.get("reference") or {}

    def customer(self, order: Order) -> tuple[str, bool]:
        """(customer id, private person?): fixed per payment method, else from the mirror by e-mail or created."""
        self._mirrored = None
        fixed = (self.settings.get("payment_debtors") or {}).get(order.payment_method)
        if fixed and order.vat_regime != "intra_eu_reverse_charge":
            self._used["debtor"] = []  # the merchant's choice, not the mirror's: never replaced
            return fixed, customers.private(self.client, fixed)
        email = order.customer.email
        if not email:
            raise mapping.MappingError("CUSTOMER_WITHOUT_EMAIL", order.number)
        made: dict = {}

        def create(_key: str) -> str:
            """A new customer; the answer is the stored record."""
            terms = self.settings.get("terms_of_payment") or self.company()["TermsOfPaymentId"]
            made.update(self.client.post("customers", mapping.customer_payload(
                order.customer, order.billing, order.shipping, terms)))
            return str(made["Id"]).lower()

        self._keys["debtor"] = [normal(email)]
        customer_id = resolve(self.connection_id, self.administration, "debtor", [email], self.mirror, create,
                              self._recheck.get("debtor", ()))[normal(email)]
        self._used["debtor"] = [customer_id]
        if made:
            customers.keep(self.connection_id, made, email)
            return customer_id, bool(made["IsPrivatePerson"])
        # A returning customer: Visma's record decides the price basis, as the mirror last read it.
        self._mirrored = (customer_id, email)
        return customer_id, customers.private(self.client, customer_id, email)

    def articles(self, order: Order) -> dict[str, str]:
        """Visma article ids by number for every line: mirrored, else looked up in batches, else made; never updated."""
        first_line: dict[str, Line] = {}
        for line in order.lines:
            first_line.setdefault(mapping.article_number(line), line)
        by_key = {normal(number): number for number in first_line}

        def create(key: str) -> str:
            """A new article priced and coded from the line."""
            line = first_line[by_key[key]]
            payload = mapping.article_payload(line, self.coding(order, line), self.unit())
            return str(self.client.post("articles", payload)["Id"]).lower()

        self._keys["item"] = list(by_key)
        found = resolve(self.connection_id, self.administration, "item", list(first_line), self.mirror, create,
                        self._recheck.get("item", ()))
        self._used["item"] = sorted(set(found.values()))
        return {number: found[normal(number)] for number in first_line}

    def coding(self, order: Order, line: Line) -> str:
        """The article coding for a line: the VAT settings' choice, else the active coding of its rate."""
        row = mapping.vat_row(self.settings, order, line)
        if row.get("coding"):
            return row["coding"]
        if self._codings is None:
            self._codings = self._reference().get("codings") or self.client.get("articleaccountcodings")
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
            self._units = self._reference().get("units") or self.client.get("units")
        units = self._units
        chosen = next((u for u in units if u.get("Code") == "PCE"), units[0] if units else None)
        if chosen is None:
            raise mapping.MappingError("NO_UNIT", "the company has no units")
        return chosen["Id"]

    def vat_accounts(self) -> dict[str, int]:
        """The VAT account of every VAT code (its first related account)."""
        return {code["Id"]: (code.get("RelatedAccounts") or {}).get("AccountNumber1")
                for code in self._reference().get("vat_codes") or self.client.get("vatcodes")}
