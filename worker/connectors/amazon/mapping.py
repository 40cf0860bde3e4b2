"""An Amazon order (Orders API v2026-01-01, as ``privacy.keep`` left it) to the canonical order.

Each item's ITEM amount becomes a product line; SHIPPING, GIFT_WRAP, COD_FEE and DISCOUNT amounts of
all items are added up per VAT rate into one line each (discounts negative). Net and VAT come from
``amounts.split`` (the rule and the rounding are written there). An order whose items carry no
amounts yet (Amazon gives none while an order is Pending) is mapped with status ``AwaitingPrices``
and zero lines' amounts: it waits in Open, it is not an error.
"""
from __future__ import annotations

import datetime as dt
import zoneinfo
from decimal import Decimal, InvalidOperation

from worker import vat_rates
from worker.canonical import Address, Customer, Line, Order
from worker.connectors.amazon import amounts
from worker.connectors.amazon.marketplaces import COUNTRY_OF, status_of
from worker.i18n import N_
from worker.unreadable import Unreadable, shown

ZERO = Decimal("0.00")
LOCAL = zoneinfo.ZoneInfo("Europe/Amsterdam")  # NL and DE: the order date as the seller sees it
EXTRA_KINDS = {"SHIPPING": ("shipping", "Verzendkosten"), "GIFT_WRAP": ("shipping", "Cadeauverpakking"),
               "COD_FEE": ("payment", "Rembourskosten"), "OTHER": ("payment", "Overige kosten")}
ID_LENGTH = 100


class AmazonDataError(Unreadable):
    """Amazon's order lacks a field or holds a value we cannot read."""


def _money(value, path: str) -> tuple[Decimal, str]:
    if not isinstance(value, dict):
        raise AmazonDataError(N_("the amount {field} is missing"), field=path)
    try:
        amount = Decimal(str(value.get("amount")).strip())
        if not amount.is_finite():
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        raise AmazonDataError(N_("the amount {field} is {value}, which is not an amount of money"),
                              field=path, value=shown(value.get("amount"))) from None
    return amount.quantize(amounts.CENT), str(value.get("currencyCode") or "")


def _breakdowns(item: dict) -> dict[str, dict]:
    return {b.get("type"): b for b in (item.get("proceeds") or {}).get("breakdowns") or [] if isinstance(b, dict)}


def _detail(breakdown: dict | None, subtype: str, path: str) -> Decimal:
    for detail in (breakdown or {}).get("detailedBreakdowns") or []:
        if isinstance(detail, dict) and detail.get("subtype") == subtype:
            return _money(detail.get("value"), path)[0]
    return ZERO


def _collected(item: dict) -> bool:
    collections = (item.get("tax") or {}).get("taxCollections") or []
    return any(isinstance(c, dict) and c.get("model") == "MARKETPLACE_FACILITATOR" for c in collections)


def _moment(data: dict, key: str) -> dt.datetime:
    value = data.get(key)
    try:
        parsed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise AmazonDataError(N_("the date {field} is {value}, which is not a date"), field=key, value=shown(value)) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.timezone.utc)


class _Builder:
    """Collects the lines of one order and the rules that decided their VAT."""

    def __init__(self, country: str, icp: bool):
        self.country, self.icp = country, icp
        self.products: list[Line] = []
        self.extras: dict[tuple[str, str, Decimal], list[Decimal]] = {}
        self.rules: set[str] = set()
        self.currencies: set[str] = set()

    def split(self, gross: Decimal, tax: Decimal, collected: bool) -> amounts.Split:
        result = amounts.split(gross, tax, self.country, collected, self.icp)
        self.rules.add(result.rule)
        return result

    def item(self, item: dict, n: int) -> None:
        parts, path = _breakdowns(item), f"orderItems[{n}].proceeds"
        tax, collected = parts.get("TAX"), _collected(item)
        gross, currency = _money(parts["ITEM"].get("subtotal"), f"{path}.ITEM")
        self.currencies.add(currency)
        try:
            quantity = Decimal(int(item.get("quantityOrdered") or 1))
        except (TypeError, ValueError):
            raise AmazonDataError(N_("the quantity on line {line} is {value}, which is not a number"),
                                  line=n, value=shown(item.get("quantityOrdered"))) from None
        s = self.split(gross, _detail(tax, "ITEM", f"{path}.TAX.ITEM"), collected)
        product = item.get("product") or {}
        self.products.append(Line(
            kind="product", description=str(product.get("title") or product.get("asin") or "")[:500],
            sku=str(product.get("sellerSku") or product.get("asin") or ""), quantity=quantity,
            unit_price_incl=amounts.cents(s.gross / quantity), unit_price_excl=amounts.cents(s.net / quantity),
            vat_rate=s.rate, total_incl=s.gross, total_excl=s.net, vat_amount=s.vat))
        for kind in EXTRA_KINDS:
            if kind in parts:
                self.extra(kind, _money(parts[kind].get("subtotal"), f"{path}.{kind}")[0],
                           _detail(tax, kind, f"{path}.TAX.{kind}"), collected)
        if "DISCOUNT" in parts:
            self.discount(parts["DISCOUNT"], tax, collected, path)

    def discount(self, breakdown: dict, tax: dict | None, collected: bool, path: str) -> None:
        """Promotions, negative: on the item and on shipping, each at the rate of what it reduces."""
        total = -abs(_money(breakdown.get("subtotal"), f"{path}.DISCOUNT")[0])
        on_shipping = -abs(_detail(breakdown, "SHIPPING", f"{path}.DISCOUNT.SHIPPING"))
        tax_amount = -abs(_detail(tax, "DISCOUNT", f"{path}.TAX.DISCOUNT"))
        for gross in (total - on_shipping, on_shipping):
            if gross:
                share = amounts.cents(tax_amount * gross / total) if total else ZERO
                s = self.split(gross, share, collected)
                self.extras.setdefault(("discount", "Korting Amazon-promotie", s.rate), []).append(s)

    def extra(self, kind: str, gross: Decimal, tax: Decimal, collected: bool) -> None:
        if gross:
            line_kind, description = EXTRA_KINDS[kind]
            s = self.split(gross, tax, collected)
            self.extras.setdefault((line_kind, description, s.rate), []).append(s)

    def lines(self) -> tuple[Line, ...]:
        extra = []
        for (kind, description, rate), splits in self.extras.items():
            gross, net = sum(s.gross for s in splits), sum(s.net for s in splits)
            extra.append(Line(kind=kind, description=description, quantity=Decimal(1), unit_price_incl=gross,
                              unit_price_excl=net, vat_rate=rate, total_incl=gross, total_excl=net,
                              vat_amount=gross - net))
        return tuple(self.products + extra)


def _priced(items: list) -> bool:
    return bool(items) and all("ITEM" in _breakdowns(i) for i in items)


def _buyer_vat_number(data: dict) -> str:
    for reg in (data.get("tax") or {}).get("taxRegistrations") or []:
        if reg.get("entityType") == "BUYER" and reg.get("taxRegistrationType") in ("VAT", "BUSINESS"):
            return str(reg.get("taxRegistrationNumber") or "").replace(" ", "").upper()
    return ""


def _regime(country: str, seller: str, business: bool, vat_number: str, items: list) -> str:
    if country not in vat_rates.EU:
        return "export"
    charged = any(_detail(_breakdowns(i).get("TAX"), "ITEM", "TAX") != 0 for i in items)
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


def build(data) -> tuple[Order, set[str]]:
    """The canonical order and the VAT rules that decided its lines (``amounts.RULES``)."""
    order_id, items = _check(data), data["orderItems"]
    country, seller = destination(data), str(data.get("_seller_country") or "").upper()
    vat_number = _buyer_vat_number(data)
    business = "AMAZON_BUSINESS" in (data.get("programs") or [])
    priced = _priced(items)
    regime = _regime(country, seller, business, vat_number, items) if priced else "standard"
    builder = _Builder(country, regime == "intra_eu_reverse_charge")
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
        updated_at=_moment(data, "lastUpdatedTime") if data.get("lastUpdatedTime") else None)
    return canonical, builder.rules


def to_canonical(data) -> Order:
    """Read an Amazon order; raises ``AmazonDataError`` saying which field is missing or unreadable."""
    return build(data)[0]


def identity(data) -> dict | None:
    """What an unreadable order can still be stored under: Amazon's order id, or None without one."""
    if not isinstance(data, dict) or not isinstance(data.get("orderId"), str) or not data["orderId"].strip():
        return None
    key = data["orderId"][:ID_LENGTH]
    return {"shop_order_id": key, "number": key, "shop_status": status_of(data)[:60]}
