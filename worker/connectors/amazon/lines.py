"""The lines of an Amazon order: a product line per item, shipping, gift wrap, fees and promotions per VAT rate.

Each item's ITEM amount becomes a product line; its SHIPPING, GIFT_WRAP, COD_FEE, OTHER and DISCOUNT
amounts become lines of their own after the products (discounts negative). Net and VAT come from
``amounts.split`` (the rules and the rounding are written there), at the merchant's selling rate for
the destination country where Amazon states no VAT.
"""
from __future__ import annotations

from decimal import ROUND_DOWN, Decimal, InvalidOperation

from worker.canonical import Line
from worker.connectors.amazon import amounts
from worker.i18n import N_
from worker.unreadable import Unreadable, shown

ZERO = Decimal("0.00")
EXTRA_KINDS = {"SHIPPING": ("shipping", "Verzendkosten"), "GIFT_WRAP": ("shipping", "Cadeauverpakking"),
               "COD_FEE": ("payment", "Rembourskosten"), "OTHER": ("payment", "Overige kosten")}


class AmazonDataError(Unreadable):
    """Amazon's order lacks a field or holds a value we cannot read."""


def money(value, path: str) -> tuple[Decimal, str]:
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


def breakdowns(item: dict) -> dict[str, dict]:
    return {b.get("type"): b for b in (item.get("proceeds") or {}).get("breakdowns") or [] if isinstance(b, dict)}


def detail(breakdown: dict | None, subtype: str, path: str) -> Decimal:
    for detail in (breakdown or {}).get("detailedBreakdowns") or []:
        if isinstance(detail, dict) and detail.get("subtype") == subtype:
            return money(detail.get("value"), path)[0]
    return ZERO


def amazon_collected(item: dict) -> bool:
    collections = (item.get("tax") or {}).get("taxCollections") or []
    return any(isinstance(c, dict) and c.get("model") == "MARKETPLACE_FACILITATOR" for c in collections)


def _quantity(item: dict, n: int) -> Decimal:
    value = item.get("quantityOrdered")
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise AmazonDataError(N_("the quantity on line {line} is {value}, which is not a number"),
                              line=n, value=shown(value))
    return Decimal(value)


class Builder:
    """Collects the lines of one order and the rules that decided their VAT."""

    def __init__(self, country: str, icp: bool, selling_rate: Decimal | None = None):
        self.country, self.icp, self.selling_rate = country, icp, selling_rate
        self.products: list[Line] = []
        self.extras: list[Line] = []
        self.rules: set[str] = set()
        self.currencies: set[str] = set()

    def split(self, gross: Decimal, tax: Decimal, collected: bool) -> amounts.Split:
        result = amounts.split(gross, tax, self.country, collected, self.icp, self.selling_rate)
        self.rules.add(result.rule)
        return result

    def item(self, item: dict, n: int) -> None:
        parts, path = breakdowns(item), f"orderItems[{n}].proceeds"
        tax, collected = parts.get("TAX"), amazon_collected(item)
        gross, currency = money(parts["ITEM"].get("subtotal"), f"{path}.ITEM")
        self.currencies.add(currency)
        quantity = _quantity(item, n)
        s = self.split(gross, detail(tax, "ITEM", f"{path}.TAX.ITEM"), collected)
        product = item.get("product") or {}
        if quantity == 0 and gross == 0:
            return  # an item cancelled within the order: nothing sold, nothing charged
        if quantity == 0:
            raise AmazonDataError(N_("line {line} charges {value} for a quantity of 0"), line=n, value=f"{gross:.2f}")
        self.product(str(product.get("title") or product.get("asin") or "")[:500],
                     str(product.get("sellerSku") or product.get("asin") or ""), quantity, s)
        rates = {"ITEM": s.rate}
        for kind in EXTRA_KINDS:
            if kind in parts:
                rates[kind] = self.extra(kind, money(parts[kind].get("subtotal"), f"{path}.{kind}")[0],
                                         detail(tax, kind, f"{path}.TAX.{kind}"), collected)
        if "DISCOUNT" in parts:
            self.discount(parts["DISCOUNT"], tax, collected, path, rates)

    def product(self, description: str, sku: str, quantity: Decimal, s: amounts.Split) -> None:
        """The item's line; a total that does not divide by the quantity (Amazon-collected VAT taken off)
        becomes the quantity less one at the lower cent price plus one unit carrying the rest."""
        unit = (s.gross / quantity).quantize(amounts.CENT, rounding=ROUND_DOWN)
        parts = [(quantity, s.gross, s.vat)]
        if unit * quantity != s.gross:
            first_vat = amounts.vat_in(unit * (quantity - 1), s.rate)
            parts = [(quantity - 1, unit * (quantity - 1), first_vat),
                     (Decimal(1), s.gross - unit * (quantity - 1), s.vat - first_vat)]
        for count, gross, vat in parts:
            self.products.append(Line(
                kind="product", description=description, sku=sku, quantity=count,
                unit_price_incl=gross / count, unit_price_excl=amounts.cents((gross - vat) / count),
                vat_rate=s.rate, total_incl=gross, total_excl=gross - vat, vat_amount=vat))

    def discount(self, breakdown: dict, tax: dict | None, collected: bool, path: str, rates: dict) -> None:
        """Promotions, negative: on the item and on shipping, each at the VAT rate of what it reduces."""
        total = -abs(money(breakdown.get("subtotal"), f"{path}.DISCOUNT")[0])
        on_shipping = -abs(detail(breakdown, "SHIPPING", f"{path}.DISCOUNT.SHIPPING"))
        withheld = -abs(detail(tax, "DISCOUNT", f"{path}.TAX.DISCOUNT"))
        for gross, rate in ((total - on_shipping, rates["ITEM"]), (on_shipping, rates.get("SHIPPING", rates["ITEM"]))):
            if gross:
                # Amazon-collected: its share of the VAT Amazon withheld; else the VAT at the reduced line's rate.
                vat = amounts.cents(withheld * gross / total) if collected else amounts.vat_in(gross, rate)
                self.add("discount", "Korting Amazon-promotie", self.split(gross, vat, collected))

    def extra(self, kind: str, gross: Decimal, tax: Decimal, collected: bool) -> Decimal | None:
        """A charge of one item (shipping, gift wrap, fees) as a line of its own; returns its VAT rate."""
        if not gross:
            return None
        line_kind, description = EXTRA_KINDS[kind]
        s = self.split(gross, tax, collected)
        self.add(line_kind, description, s)
        return s.rate

    def add(self, kind: str, description: str, s: amounts.Split) -> None:
        # One line per item and charge, never summed per rate: the VAT of a sum can differ a cent from
        # the sum of the VATs, and targets recompute each line's VAT from its own total.
        self.extras.append(Line(kind=kind, description=description, quantity=Decimal(1), unit_price_incl=s.gross,
                                unit_price_excl=s.net, vat_rate=s.rate, total_incl=s.gross, total_excl=s.net,
                                vat_amount=s.vat))

    def lines(self) -> tuple[Line, ...]:
        return tuple(self.products + self.extras)
