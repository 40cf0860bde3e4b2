"""Realistic KMO Shops orders (contract kmoshops-sim/v0), deterministic for a given random.Random."""
from __future__ import annotations

import random
import string
import unicodedata
from decimal import Decimal

from worker.connectors.kmoshops.sandbox import catalogue
from worker.connectors.kmoshops.sandbox import pricing
from worker.connectors.kmoshops.sandbox.clock import iso
from worker.connectors.kmoshops.sandbox.clock import parse_iso

KINDS = ("b2c", "b2b_domestic", "b2b_eu", "export", "no_email")
STATUSES = ("pending_payment", "paid", "processing", "shipped", "picked_up", "completed",
            "cancelled", "refunded")
DEFAULT_CREATED_AT = "2026-01-15T09:30:00.000Z"
ZERO_RATED = ("intra_eu_reverse_charge", "export")


def generate_order(rng: random.Random, *, kind: str = "b2c", number: str, shop_country: str = "BE",
                   prices_include_vat: bool = True, status: str = "paid", order_id: int | None = None,
                   created_at: str | None = None) -> dict:
    """One order as the REST API and the webhooks carry it.

    Rounding rule (the shop rounds per line, with Decimal and ROUND_HALF_UP):
    prices incl. VAT: ``unit_price_incl_vat`` is the catalogue price; ``total_incl_vat = unit_incl
    x qty``; ``vat_amount = round(total_incl x r/(100+r), 2)``; ``total_excl_vat = total_incl -
    vat_amount``; ``unit_price_excl_vat = round(unit_incl / (1 + r/100), 2)`` (informational).
    Prices excl. VAT mirror this: ``total_excl = unit_excl x qty``; ``vat_amount = round(total_excl
    x r/100, 2)``; ``total_incl = total_excl + vat_amount``; ``unit_incl = round(unit_excl x
    (1 + r/100), 2)``. Shipping is priced like a one-unit line at its own rate (the highest line
    rate); each discount is a positive amount per VAT rate, rounded the same way and subtracted.
    ``totals.total_incl_vat`` = sum of lines incl + shipping incl - discounts incl, to the cent;
    ``vat_total`` and ``vat_breakdown`` are the per-rate sums of those rounded parts. Zero-rated
    orders (reverse charge, export) are charged the catalogue price net of the shop's own VAT.
    ``discount_excl_vat`` on lines is always "0.00": discounts live in ``discounts``.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    if shop_country not in catalogue.VAT_RATES:
        raise ValueError(f"shop_country must be one of {', '.join(catalogue.VAT_RATES)}")
    country, regime = _destination(rng, kind, shop_country)
    customer, billing = _customer(rng, kind, country, shop_country)
    lines = _lines(rng, kind, regime, shop_country, country, prices_include_vat)
    shipping = _shipping(rng, regime, shop_country, country, lines, prices_include_vat, status)
    discounts = []
    if rng.random() < 0.25:
        code, percent = rng.choice((("WELKOM10", "10"), ("ZOMER15", "15"), ("TROUW5", "5")))
        discounts = pricing.price_discounts(code, Decimal(percent), lines, prices_include_vat)
    created = created_at or DEFAULT_CREATED_AT
    return {
        "id": order_id if order_id is not None else _id_from_number(number),
        "number": number, "created_at": created, "updated_at": created, "status": status,
        "currency": "EUR", "prices_include_vat": prices_include_vat,
        "customer": customer, "billing_address": billing,
        "shipping_address": _address(rng, country) if rng.random() < 0.2 else dict(billing),
        "lines": lines, "shipping": shipping, "discounts": discounts,
        "payment": _payment(rng, kind, country, status, created),
        "vat_regime": regime, "totals": pricing.totals(lines, shipping, discounts),
    }


def _id_from_number(number: str) -> int:
    digits = "".join(ch for ch in number.rsplit("-", 1)[-1] if ch.isdigit())
    return int(digits) if digits else 1


def _destination(rng: random.Random, kind: str, shop_country: str) -> tuple[str, str]:
    """The customer's country and the VAT regime that follows from it."""
    if kind in ("b2c", "no_email"):
        # Most consumers are local; the rest come from the other Benelux country, taxed via OSS.
        other = "NL" if shop_country == "BE" else "BE"
        country = shop_country if rng.random() < 0.7 else other
        return country, "standard" if country == shop_country else "oss"
    if kind == "b2b_domestic":
        return shop_country, "standard"
    if kind == "b2b_eu":
        return rng.choice(sorted(set(catalogue.EU_VAT_NUMBERS) - {shop_country})), "intra_eu_reverse_charge"
    return rng.choice(catalogue.EXPORT_COUNTRIES), "export"


def _customer(rng: random.Random, kind: str, country: str, shop_country: str) -> tuple[dict, dict]:
    """The customer block and the billing address."""
    first = rng.choice(catalogue.FIRST_NAMES.get(country, catalogue.FIRST_NAMES["other"]))
    last = rng.choice(catalogue.LAST_NAMES.get(country, catalogue.LAST_NAMES["other"]))
    company, vat_number = "", ""
    if kind == "b2b_domestic":
        suffix = rng.choice(catalogue.COMPANY_SUFFIX[shop_country])
        company = f"{rng.choice(catalogue.COMPANY_WORDS)} {last} {suffix}"
        vat_number = catalogue.domestic_vat_number(rng, shop_country)
    elif kind == "b2b_eu":
        company, vat_number = rng.choice(catalogue.EU_VAT_NUMBERS[country])
    domain = rng.choice(("example.com", "example.org", "example.net"))
    email = "" if kind == "no_email" else f"{_ascii(first)}.{_ascii(last)}@{domain}"
    phone = "" if rng.random() < 0.1 else f"{catalogue.PHONE_PREFIX[country]} {rng.randint(100000, 999999)}"
    customer = {"email": email, "first_name": first, "last_name": last, "company_name": company,
                "vat_number": vat_number, "phone": phone}
    return customer, _address(rng, country)


def _ascii(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return folded.lower().replace(" ", "")


def _address(rng: random.Random, country: str) -> dict:
    street, postal_code, city = rng.choice(catalogue.ADDRESSES[country])
    # "bus" (a Belgian letterbox number) only makes sense in Belgium.
    suffixes = ("", "", "", "A", " bus 2") if country == "BE" else ("", "", "", "A", "-2")
    house_number = str(rng.randint(1, 240)) + rng.choice(suffixes)
    return {"street": street, "house_number": house_number, "postal_code": postal_code,
            "city": city, "country_code": country}


def _lines(rng: random.Random, kind: str, regime: str, shop_country: str, country: str,
           includes_vat: bool) -> list[dict]:
    """One to four distinct products, each priced per the rounding rule."""
    rates = catalogue.VAT_RATES[country if regime == "oss" else shop_country]
    max_quantity = 12 if kind.startswith("b2b") else 3
    lines = []
    products = rng.sample(catalogue.PRODUCTS, rng.randint(1, 4))
    for line_id, (sku, name, category, price) in enumerate(products, 1):
        unit, rate = Decimal(price), rates[category]
        if regime in ZERO_RATED:
            unit, rate = _net(unit, rate, includes_vat), Decimal("0")
        quantity = rng.randint(1, max_quantity)
        lines.append(pricing.price_line(line_id, sku, name, quantity, unit, rate, includes_vat))
    return lines


def _net(price: Decimal, home_rate: Decimal, includes_vat: bool) -> Decimal:
    # A zero-rated buyer pays the shop's price without the shop's own VAT in it.
    return pricing.cents(price / (1 + home_rate / 100)) if includes_vat else price


def _shipping(rng: random.Random, regime: str, shop_country: str, country: str, lines: list[dict],
              includes_vat: bool, status: str) -> dict:
    """Shipping at the highest line rate; picked-up and some other orders ship free."""
    rate = max(Decimal(line["vat_rate"]) for line in lines)
    if status == "picked_up":
        return pricing.price_shipping("pickup", Decimal("0.00"), rate, includes_vat)
    zone = country if country in ("BE", "NL") else ("EU" if country in catalogue.EU_COUNTRIES else "WORLD")
    method, price = rng.choice(catalogue.SHIPPING_METHODS[zone])
    price = Decimal(price) if rng.random() < 0.85 else Decimal("0.00")
    if regime in ZERO_RATED:
        price = _net(price, catalogue.VAT_RATES[shop_country]["standard"], includes_vat)
    return pricing.price_shipping(method, price, rate, includes_vat)


def _payment(rng: random.Random, kind: str, country: str, status: str, created_at: str) -> dict:
    """The payment block, consistent with the order status."""
    if kind.startswith("b2b") and rng.random() < 0.5:
        method, provider = "bank_transfer", "manual"
    else:
        options = {"BE": (("bancontact", "mollie"), ("creditcard", "mollie"), ("paypal", "paypal")),
                   "NL": (("ideal", "mollie"), ("paypal", "paypal"))}
        method, provider = rng.choice(options.get(country, (("creditcard", "stripe"), ("paypal", "paypal"))))
    paid_at = iso(parse_iso(created_at) + rng.randint(5, 900))
    payment_status = {"pending_payment": "open", "cancelled": "cancelled",
                      "refunded": "refunded"}.get(status, "paid")
    if payment_status in ("open", "cancelled"):
        paid_at = None
    return {"method": method, "provider": provider, "status": payment_status, "paid_at": paid_at,
            "transaction_id": _transaction_id(rng, provider)}


def _transaction_id(rng: random.Random, provider: str) -> str:
    # Look-alikes of each provider's ids; a manual bank transfer has none.
    if provider == "paypal":
        return "".join(rng.choice(string.ascii_uppercase + string.digits) for _ in range(17))
    prefix, length = {"mollie": ("tr_", 10), "stripe": ("pi_", 24)}.get(provider, ("", 0))
    return prefix + "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(length))
