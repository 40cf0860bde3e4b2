"""Canonical order to Factuursturen's client and invoice fields (targets.md §4.4, manual 001 §2 and §7).

Money and rounding. A Factuursturen invoice line is ``amount`` × ``price`` at ``tax_rate``, and the
client's ``taxtype`` says whether prices are incl. VAT (``intax``) or excl. (``extax``);
Factuursturen then computes the VAT once per rate over the lines of that rate. We send each line's
price in the client's basis exactly as the shop stated it (the unit price when quantity × unit
price gives the shop's line total, else the line total once, with the quantity in the
description), so we never round anything ourselves: the only rounding is Factuursturen's VAT per
rate. With ``intax`` the invoice total is then the shop's total to the cent; with ``extax`` the
VAT may differ from the shop's per-line VAT by a cent per rate, which the read-back reports when
it exceeds two cents. Discounts are lines with a negative price at their own VAT rate (several
rates: several lines), shipping and payment costs lines at theirs. New clients get the basis the
shop priced the order in; existing ones are never changed (manual 001 §2).
"""
from __future__ import annotations

from decimal import Decimal

from babel import Locale

from worker.canonical import Line, Order
from worker.vat_map import vat_row

_COUNTRIES = Locale("nl").territories
# Factuursturen's client field limits (targets.md §4.4).
LIMITS = {"contact": 50, "company": 50, "address": 50, "zipcode": 7, "city": 50, "phone": 13, "taxnumber": 18,
          "email": 255}


def number(value: Decimal):
    """A JSON number: whole numbers as int, others as the float of their exact decimal text."""
    return int(value) if value == value.to_integral_value() else float(value)


def country_name(code: str) -> str:
    """The Dutch country name Factuursturen resolves through its ``countrylist`` ("BE" → "België")."""
    return _COUNTRIES.get((code or "").upper(), code or "")


def _cut(field: str, value: str) -> str:
    value = (value or "").strip()
    if field == "zipcode" and len(value) > LIMITS[field]:
        value = value.replace(" ", "")
    if field == "phone":
        value = "".join(ch for ch in value if ch.isdigit() or ch == "+")
    return value[:LIMITS[field]]


def client_payload(order: Order) -> dict:
    """A new client: the buyer's name, e-mail, billing address; B2B with its VAT number, reverse charge marked."""
    customer, billing = order.customer, order.billing
    person = f"{customer.first_name} {customer.last_name}".strip() or customer.name
    payload = {"contact": _cut("contact", person), "company": _cut("company", customer.company),
               "address": _cut("address", billing.line1()), "zipcode": _cut("zipcode", billing.postal_code),
               "city": _cut("city", billing.city), "country": country_name(billing.country),
               "email": _cut("email", customer.email), "phone": _cut("phone", customer.phone),
               "taxnumber": _cut("taxnumber", customer.vat_number.replace(" ", "").replace(".", "")),
               "taxtype": "intax" if order.prices_include_vat else "extax"}
    if order.vat_regime == "intra_eu_reverse_charge":
        payload["tax_shifted"] = True
    if customer.company:
        payload["showcontact"] = True
    return {key: value for key, value in payload.items() if value not in ("", None)}


def line_payload(line: Line, tax_rate: str, incl: bool) -> dict:
    """One invoice line in the client's price basis, without rounding (see the module's rule)."""
    unit = line.unit_price_incl if incl else line.unit_price_excl
    total = line.total_incl if incl else line.total_excl
    description = line.description
    amount = line.quantity
    if unit * amount != total:
        description, amount, unit = f"{number(line.quantity)} × {line.description}", Decimal(1), total
    return {"amount": number(amount), "description": description[:250], "price": number(unit),
            "tax_rate": number(Decimal(tax_rate)), "discount_pct": 0}


def category(order: Order, settings: dict) -> str | None:
    """The invoice's category (its revenue account): the VAT row carrying most of the order's revenue."""
    by_account: dict[str, Decimal] = {}
    for line in order.lines:
        account = vat_row(settings, order, line).get("gl_account")
        by_account[account] = by_account.get(account, Decimal(0)) + line.total_excl
    best = max(by_account, key=lambda key: by_account[key]) if by_account else None
    return best if best and best != "none" else None


def invoice_payload(order: Order, clientnr: str, incl: bool, settings: dict) -> dict:
    """A POST invoices body: sent by post (so nothing reaches the customer), our reference, every line."""
    lines = [{"description": f"Bestelling {order.number}"}]  # manual 001 §7: the order number in the text
    lines += [line_payload(line, vat_row(settings, order, line)["vat_code"], incl) for line in order.lines]
    body = {"clientnr": int(clientnr), "action": "send", "sendmethod": "mail",
            "reference": {"line1": order.number[:100]}, "lines": lines}
    chosen = category(order, settings)
    if chosen:
        body["category"] = int(chosen)
    if settings.get("profile"):
        body["profile"] = int(settings["profile"])
    return body
