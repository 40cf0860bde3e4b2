"""Canonical order to Visma eAccounting payloads, field by field as manual 000 §5 specifies.

Money and rounding: amounts stay ``Decimal`` until ``_num`` writes them into the payload, and
nothing here rounds. Rows carry the shop's own unit prices: incl. VAT when Visma shows the
customer prices incl. VAT (private persons, unless the company shows them excl. VAT), else excl.
VAT. Visma computes each row as round(quantity × unit price, 2); the shop's line total incl. is
unit × quantity too, so invoices to private persons come out to the cent. For companies the row
is the unit price excl. × quantity, which equals the shop's excl. total when the shop prices excl.
VAT; a shop that prices incl. VAT may then differ by a cent per line, which the read-back catches.
Discounts are folded into the lines of their VAT rate (manual 000: no negative sales rows, see
``discounts``); one that cannot be is sent with quantity and price both multiplied by −1 (manual
002's rule; Visma's article prices cannot be negative). Sales bookings carry the shop's
excl. VAT amounts and VAT amounts per line, so nothing is rounded twice.
"""
from __future__ import annotations

from decimal import Decimal

from worker.canonical import Address, Customer, Line, Order
from worker.connectors.errors import MappingError
from worker.connectors.visma_eaccounting import discounts
from worker.vat_map import vat_keys, vat_row  # noqa: F401  (the same VAT table for every target)

# Article numbers of the dummy articles; one per VAT rate, because an article's coding fixes its VAT.
DUMMY_ARTICLES = {"shipping": ("KOPPEL-VERZEND", "Verzendkosten"), "payment": ("KOPPEL-BETAAL", "Betaalkosten"),
                  "discount": ("KOPPEL-KORTING", "Korting")}


def _num(value: Decimal) -> float:
    """A JSON number for an amount that already has the decimals Visma allows."""
    return float(value)


def _rate(line: Line) -> str:
    return f"{line.vat_rate.normalize():f}"


def article_number(line: Line) -> str:
    """The shop's SKU, or the dummy article of the line's kind and VAT rate."""
    if line.kind in DUMMY_ARTICLES:
        return f"{DUMMY_ARTICLES[line.kind][0]}-{_rate(line)}"
    if not line.sku:
        raise MappingError("PRODUCT_WITHOUT_SKU", line.description)
    return line.sku[:40]


def article_payload(line: Line, coding_id: str, unit_id: str) -> dict:
    """A new article: prices incl. and excl. VAT and the coding that carries the VAT rate."""
    dummy = line.kind in DUMMY_ARTICLES
    name = f"{DUMMY_ARTICLES[line.kind][1]} {_rate(line)}%" if dummy else line.description
    payload = {"Number": article_number(line), "Name": name[:50], "CodingId": coding_id, "UnitId": unit_id,
               "IsActive": True}
    if not dummy:  # dummy articles have no price of their own; every row states it
        payload.update(NetPrice=_num(abs(line.unit_price_excl)), GrossPrice=_num(abs(line.unit_price_incl)))
    return payload


def customer_payload(customer: Customer, billing: Address, shipping: Address | None, terms_id: str) -> dict:
    """A new customer: a private person unless a company name is set."""
    payload = {"Name": customer.name[:50], "EmailAddress": customer.email, "IsPrivatePerson": not customer.company,
               "IsActive": True, "TermsOfPaymentId": terms_id, "InvoiceAddress1": billing.line1()[:50],
               "InvoicePostalCode": billing.postal_code[:10], "InvoiceCity": billing.city[:50],
               "InvoiceCountryCode": billing.country, "VatNumber": customer.vat_number,
               "Telephone": customer.phone[:50]}
    if shipping is not None:
        payload.update(DeliveryAddress1=shipping.line1()[:50], DeliveryPostalCode=shipping.postal_code[:10],
                       DeliveryCity=shipping.city[:50], DeliveryCountryCode=shipping.country)
    return {key: value for key, value in payload.items() if value not in ("", None)}


def _person(order: Order) -> str:
    person = f"{order.customer.first_name} {order.customer.last_name}".strip()
    return (person or order.customer.name)[:50]


def _addresses(order: Order, private: bool) -> dict:
    billing, delivery = order.billing, order.shipping or order.billing
    return {"InvoiceCustomerName": _person(order), "InvoiceAddress1": billing.line1()[:50],
            "InvoicePostalCode": billing.postal_code[:10], "InvoiceCity": billing.city[:50],
            "InvoiceCountryCode": billing.country, "DeliveryCustomerName": _person(order),
            "DeliveryAddress1": delivery.line1()[:50], "DeliveryPostalCode": delivery.postal_code[:10],
            "DeliveryCity": delivery.city[:50], "DeliveryCountryCode": delivery.country,
            "EuThirdParty": False, "CustomerIsPrivatePerson": private, "ReverseChargeOnConstructionServices": False,
            "RotReducedInvoicingType": 0}


def price_and_quantity(line: Line, includes_vat: bool) -> tuple[Decimal, Decimal]:
    """The row's unit price in the customer's price basis and its quantity, never a negative price."""
    price = line.unit_price_incl if includes_vat else line.unit_price_excl
    return (-price, -line.quantity) if price < 0 else (price, line.quantity)


def sent_rows(order: Order, includes_vat: bool) -> list[tuple[Line, Decimal, Decimal]]:
    """(line, unit price, quantity) of every row: discounts folded into their rate's lines (manual 000)."""
    return discounts.rows(order.lines, includes_vat, lambda line: price_and_quantity(line, includes_vat))


def _rows(order: Order, articles: dict, includes_vat: bool) -> list[dict]:
    return [{"LineNumber": number, "ArticleId": articles[article_number(line)], "IsTextRow": False,
             "Text": line.description[:2000], "UnitPrice": _num(price), "Quantity": _num(quantity)}
            for number, (line, price, quantity) in enumerate(sent_rows(order, includes_vat), 1)]


def draft_payload(order: Order, customer_id: str, articles: dict, private: bool, includes_vat: bool) -> dict:
    """A customerinvoicedrafts body: our order number as YourReference, one row per line."""
    rows = [{**row, "ReversedConstructionServicesVatFree": False, "ReplaceUnitPriceWhenZero": False}
            for row in _rows(order, articles, includes_vat)]
    return {"CustomerId": customer_id, "IsCreditInvoice": False, "InvoiceDate": order.date.isoformat(),
            **_addresses(order, private), "YourReference": order.number[:100], "Rows": rows}


def order_payload(order: Order, customer_id: str, articles: dict, private: bool, includes_vat: bool) -> dict:
    """An orders body in status Draft: Amount incl. VAT for private persons, excl. VAT for companies."""
    rows = [{**row, "IsWorkCost": False, "EligibleForReverseChargeOnVat": False}
            for row in _rows(order, articles, includes_vat)]
    amount = order.total_incl if includes_vat else order.total_incl - order.vat_total
    return {"CustomerId": customer_id, "OrderDate": order.date.isoformat(), "Status": 1, "CurrencyCode": "EUR",
            "Amount": _num(amount), "VatAmount": _num(order.vat_total), "RoundingsAmount": 0,
            **_addresses(order, private), "YourReference": order.number[:50], "Rows": rows}
