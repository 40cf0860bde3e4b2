"""An Amazon order (Orders API v2026-01-01, as ``privacy.keep`` left it) to the canonical order.

The lines are built by ``lines.Builder``. An order whose items carry no amounts yet (Amazon gives
none while an order is Pending) is mapped with status ``AwaitingPrices`` and no lines: it waits in
Open, it is not an error. The buyer is the relay e-mail, postal code, city and country, nothing more.
"""
from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal

from worker import vat_rates
from worker.canonical import Address, Customer, Note, Order
from worker.connectors.amazon import amounts
from worker.connectors.amazon.lines import AmazonDataError, Builder, breakdowns, detail
from worker.connectors.amazon.marketplaces import COUNTRY_OF, status_of
from worker.i18n import N_
from worker.selling_rates import NONE, SellingRates
from worker.unreadable import shown

__all__ = ["AmazonDataError", "build", "destination", "identity", "skip_reason", "to_canonical"]
ZERO = Decimal("0.00")
LOCAL = zoneinfo.ZoneInfo("Europe/Amsterdam")  # NL and DE: the order date as the seller sees it
ID_LENGTH = 100


def _moment(data: dict, key: str) -> dt.datetime:
    value = data.get(key)
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise AmazonDataError(N_("the date {field} is {value}, which is not a date"), field=key, value=shown(value)) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


def _priced(items: list) -> bool:
    return bool(items) and all("ITEM" in breakdowns(i) for i in items)


def _buyer_vat_number(data: dict) -> str:
    for reg in (data.get("tax") or {}).get("taxRegistrations") or []:
        if reg.get("entityType") == "BUYER" and reg.get("taxRegistrationType") in ("VAT", "BUSINESS"):
            return str(reg.get("taxRegistrationNumber") or "").replace(" ", "").upper()
    return ""


def _regime(country: str, seller: str, business: bool, vat_number: str, items: list) -> str:
    if country not in vat_rates.EU:
        return "export"
    charged = any(detail(breakdowns(i).get("TAX"), "ITEM", "TAX") != 0 for i in items)
    if business and vat_number and seller and country != seller and not charged:
        return "intra_eu_reverse_charge"
    return "oss" if seller and country != seller else "standard"


def _check(data) -> str:
    if not isinstance(data, dict):
        raise AmazonDataError(N_("it holds {value} where an order belongs"), value=shown(data))
    order_id = data.get("orderId")
    if not isinstance(order_id, str) or not order_id.strip():
        raise AmazonDataError(N_("the field {field} is missing"), field="orderId")
    if len(order_id) > ID_LENGTH:
        raise AmazonDataError(N_("the order id is {length} characters long; at most {limit} are allowed"),
                              length=len(order_id), limit=ID_LENGTH)
    if not isinstance(data.get("orderItems"), list) or not all(isinstance(i, dict) for i in data["orderItems"]):
        raise AmazonDataError(N_("the field {field} holds {value} where a list belongs"),
                              field="orderItems", value=shown(data.get("orderItems")))
    return order_id


def destination(data: dict) -> str:
    """The delivery country, or the marketplace's country while Amazon gives no address (Pending)."""
    address = (data.get("recipient") or {}).get("deliveryAddress") or {}
    market = COUNTRY_OF.get((data.get("salesChannel") or {}).get("marketplaceId"), "")
    return str(address.get("countryCode") or market).upper()


def build(data, rates: SellingRates = NONE) -> tuple[Order, set[str]]:
    """The canonical order and the VAT rules that decided its lines (``amounts.RULES``); where Amazon
    states no VAT, the rate is the merchant's for the destination country in ``rates``."""
    order_id, items = _check(data), data["orderItems"]
    country, seller = destination(data), str(data.get("_seller_country") or "").upper()
    vat_number = _buyer_vat_number(data)
    business = "AMAZON_BUSINESS" in (data.get("programs") or [])
    priced = _priced(items)
    regime = _regime(country, seller, business, vat_number, items) if priced else "standard"
    builder = Builder(country, regime == "intra_eu_reverse_charge", rates.of(country))
    for n, item in enumerate(items if priced else [], 1):
        builder.item(item, n)
    if len(builder.currencies) > 1:
        raise AmazonDataError(N_("the order mixes the currencies {value}"), value=", ".join(sorted(builder.currencies)))
    lines = builder.lines()
    address = (data.get("recipient") or {}).get("deliveryAddress") or {}
    payments = (data.get("payment") or {}).get("paymentExecutions") or [{}]
    created = _moment(data, "createdTime")
    canonical = Order(
        source_id=order_id, number=order_id, date=created.astimezone(LOCAL).date(),
        status=status_of(data) if priced or status_of(data) in ("Canceled", "Unfulfillable") else "AwaitingPrices",
        currency=(builder.currencies or {"EUR"}).pop(), prices_include_vat=True,
        customer=Customer(email=str((data.get("buyer") or {}).get("buyerEmail") or "").strip().lower(),
                          vat_number=vat_number),
        billing=Address(postal_code=str(address.get("postalCode") or ""), city=str(address.get("city") or ""),
                        country=country),
        shipping=None, lines=lines, total_incl=sum((l.total_incl for l in lines), ZERO),
        vat_total=sum((l.vat_amount for l in lines), ZERO), vat_regime=regime,
        payment_method=str(payments[0].get("paymentMethod") or "Amazon") if isinstance(payments[0], dict) else "Amazon",
        updated_at=_moment(data, "lastUpdatedTime") if data.get("lastUpdatedTime") else None,
        paid=status_of(data) in CHARGED,
        vat_notes=notes(builder.rules, country, rates.of(country)))
    return canonical, builder.rules


# Amazon charges the buyer when (part of) the order ships; before that the payment is only authorised.
CHARGED = frozenset({"PartiallyShipped", "InvoiceUnconfirmed", "Shipped"})


def notes(rules: set[str], country: str, selling_rate: Decimal | None) -> tuple[Note, ...]:
    """The sentences saying which rules decided the VAT, with the country and the rate taken."""
    rate = selling_rate or (vat_rates.standard_rate(country) if country in vat_rates.EU else ZERO)
    values = (("country", country), ("rate", amounts.percent(rate)))
    return tuple(Note(amounts.RULES[rule], values) for rule in sorted(rules))


def to_canonical(data, rates: SellingRates = NONE) -> Order:
    """Read an Amazon order; raises ``AmazonDataError`` saying which field is missing or unreadable."""
    return build(data, rates)[0]


REPLACEMENTS = {"REPLACEMENT_ORIGINAL_ID", "EXCHANGE_ORIGINAL_ID"}


def skip_reason(data) -> str | None:
    """Why an order is never transferred (a replacement or exchange for an earlier order), or None."""
    linked = data.get("associatedOrders") if isinstance(data, dict) else None
    if isinstance(linked, list) and any(isinstance(a, dict) and a.get("associationType") in REPLACEMENTS
                                        for a in linked):
        return N_("Amazon sent this order as a replacement or exchange for an earlier order: it is not a new sale.")
    return None


def identity(data) -> dict | None:
    """What an unreadable order can still be stored under: Amazon's order id, or None without one."""
    if not isinstance(data, dict) or not isinstance(data.get("orderId"), str) or not data["orderId"].strip():
        return None
    key = data["orderId"][:ID_LENGTH]
    return {"shop_order_id": key, "number": key, "shop_status": status_of(data)[:60]}
