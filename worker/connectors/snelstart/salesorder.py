"""Canonical order → SnelStart verkooporder (sales order) and the articles and relation it needs (manual 002 §6).

Money rule: rows carry the shop's own unit price on the merchant's basis (``price_mode``: excl.
VAT by default, SnelStart's ``verkooporderBtwIngaveModel`` Exclusief; incl. on request), never
rounded by us; SnelStart computes each row as round(aantal × stuksprijs, 2) and the VAT from the
article's revenue group. The pre-check stops an order whose lines would move a cent that way,
so the only rounding is SnelStart's, once. A negative unit price is never sent: quantity and
price are both multiplied by −1 (manual 002), which keeps the row's amount.
"""
from __future__ import annotations

import re
from decimal import Decimal

from worker.canonical import Address, Customer, Line, Order
from worker.connectors.errors import MappingError

PATH = "verkooporders"
PAYMENT_TERM_DAYS = 14
# Article codes: letters and digits, at most 25 (the merchant widens SnelStart's default of 10 digits).
CODE_LENGTH = 25
DUMMY_ARTICLES = {"shipping": ("KOPPELVERZEND", "Verzendkosten"), "payment": ("KOPPELBETAAL", "Betaalkosten"),
                  "discount": ("KOPPELKORTING", "Korting")}
_NOT_CODE = re.compile(r"[^A-Za-z0-9]")


def _rate(line: Line) -> str:
    return f"{line.vat_rate.normalize():f}".replace(".", "")


def article_code(line: Line) -> str:
    """The shop's SKU in letters and digits, or the dummy article of the line's kind and rate."""
    if line.kind in DUMMY_ARTICLES:
        return f"{DUMMY_ARTICLES[line.kind][0]}{_rate(line)}"
    code = _NOT_CODE.sub("", line.sku or "")
    if not code:
        raise MappingError("PRODUCT_WITHOUT_SKU", line.description)
    return code[:CODE_LENGTH]


def article_payload(line: Line, revenue_group: str, incl: bool) -> dict:
    """A new article (never updated afterwards): code, description, revenue group and the shop's price."""
    dummy = line.kind in DUMMY_ARTICLES
    text = f"{DUMMY_ARTICLES[line.kind][1]} {line.vat_rate.normalize():f}%" if dummy else line.description
    price = abs(line.unit_price_incl if incl else line.unit_price_excl)
    return {"artikelcode": article_code(line), "omschrijving": text[:250], "artikelOmzetgroep": {"id": revenue_group},
            "verkoopprijs": 0.0 if dummy else float(price)}


def address(where: Address, countries: dict[str, str]) -> dict:
    """An AdresModel; only postcode, city and country are known for marketplace buyers (AVG)."""
    body = {"straat": where.line1()[:100], "postcode": where.postal_code, "plaats": where.city}
    if where.country in countries:
        body["land"] = {"id": countries[where.country]}
    return {key: value for key, value in body.items() if value}


def relation_payload(customer: Customer, billing: Address, countries: dict[str, str]) -> dict:
    """A new relation (Klant), made once per e-mail address and never changed afterwards."""
    body = {"relatiesoort": ["Klant"], "naam": customer.name[:50], "email": customer.email,
            "vestigingsAdres": address(billing, countries), "krediettermijn": PAYMENT_TERM_DAYS}
    if customer.vat_number:
        body["btwNummer"] = customer.vat_number
    return body


def row(line: Line, article_id: str, incl: bool) -> dict:
    """One order row; a negative unit price becomes a negative quantity (manual 002)."""
    price = line.unit_price_incl if incl else line.unit_price_excl
    quantity = line.quantity
    if price < 0:
        price, quantity = -price, -quantity
    return {"artikel": {"id": article_id}, "omschrijving": line.description[:250],
            "aantal": float(quantity), "stuksprijs": float(price)}


def payload(order: Order, reference: str, relation_id: str, articles: dict[str, str], settings: dict,
            countries: dict[str, str]) -> dict:
    """The POST /verkooporders body; our reference is the payment reference (betalingskenmerk)."""
    incl = settings.get("price_mode") == "incl"
    body = {"relatie": {"id": relation_id}, "datum": f"{order.date.isoformat()}T00:00:00",
            "procesStatus": "Order", "omschrijving": " / ".join(filter(None, [order.number, order.payment_method]))[:250],
            "betalingskenmerk": reference[:50], "orderreferentie": reference[:50],
            "krediettermijn": PAYMENT_TERM_DAYS, "verkooporderBtwIngaveModel": "Inclusief" if incl else "Exclusief",
            "factuuradres": address(order.billing, countries),
            "regels": [row(line, articles[article_code(line)], incl) for line in order.lines]}
    if order.shipping is not None and order.shipping != order.billing:  # a separate delivery address only when it differs
        body["afleveradres"] = address(order.shipping, countries)
    if settings.get("invoice_layout"):
        body["verkoopordersjabloon"] = {"id": settings["invoice_layout"]}
    return body


def total(row_: dict) -> Decimal:
    """A stored sales order's total incl. VAT, as SnelStart reports it."""
    return Decimal(str(row_.get("totaalInclusiefBtw", row_.get("totaal", 0))))
