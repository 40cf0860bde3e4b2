"""The shop's money arithmetic: per-line rounding, shipping, discounts and totals (see generator)."""
from __future__ import annotations

from collections import defaultdict
from decimal import ROUND_HALF_UP
from decimal import Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")


def cents(amount: Decimal) -> Decimal:
    """Round to the cent, half away from zero, as the shop does."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def money(amount: Decimal) -> str:
    """A money amount as a string with exactly two decimals."""
    return f"{cents(amount) + 0:.2f}"  # "+ 0" turns -0.00 into 0.00


def rate_str(rate: Decimal) -> str:
    """A VAT rate as the API writes it, e.g. "21.00"."""
    return f"{rate:.2f}"


def split(amount: Decimal, rate: Decimal, includes_vat: bool) -> tuple[Decimal, Decimal, Decimal]:
    """(excl, vat, incl) for an amount given in the shop's basis; VAT is rounded once, here."""
    if includes_vat:
        vat = cents(amount * rate / (100 + rate))
        return amount - vat, vat, amount
    vat = cents(amount * rate / 100)
    return amount, vat, amount + vat


def unit_prices(unit: Decimal, rate: Decimal, includes_vat: bool) -> tuple[Decimal, Decimal]:
    """(unit excl, unit incl): the catalogue price and its informational counterpart."""
    if includes_vat:
        return cents(unit / (1 + rate / 100)), unit
    return unit, cents(unit * (1 + rate / 100))


def price_line(line_id: int, sku: str, name: str, quantity: int, unit: Decimal, rate: Decimal,
               includes_vat: bool) -> dict:
    """One order line priced per the rounding rule."""
    unit_excl, unit_incl = unit_prices(unit, rate, includes_vat)
    excl, vat, incl = split(unit * quantity, rate, includes_vat)
    return {
        "id": line_id, "sku": sku, "name": name, "quantity": quantity,
        "unit_price_excl_vat": money(unit_excl), "unit_price_incl_vat": money(unit_incl),
        "vat_rate": rate_str(rate), "discount_excl_vat": "0.00",
        "total_excl_vat": money(excl), "vat_amount": money(vat), "total_incl_vat": money(incl),
    }


def price_shipping(method: str, price: Decimal, rate: Decimal, includes_vat: bool) -> dict:
    """The shipping block, priced like a one-unit line at its own rate."""
    excl, _vat, incl = split(price, rate, includes_vat)
    return {"method": method, "price_excl_vat": money(excl), "vat_rate": rate_str(rate),
            "price_incl_vat": money(incl)}


def price_discounts(code: str, percent: Decimal, lines: list[dict], includes_vat: bool) -> list[dict]:
    """A percentage code split into one positive discount per VAT rate of the lines."""
    basis = "total_incl_vat" if includes_vat else "total_excl_vat"
    per_rate: dict[str, Decimal] = defaultdict(Decimal)
    for line in lines:
        per_rate[line["vat_rate"]] += Decimal(line[basis])
    discounts = []
    for rate, total in sorted(per_rate.items(), key=lambda kv: -Decimal(kv[0])):
        amount = cents(total * percent / 100)
        if amount == ZERO:
            continue
        excl, _vat, incl = split(amount, Decimal(rate), includes_vat)
        discounts.append({"code": code, "amount_excl_vat": money(excl), "vat_rate": rate,
                          "amount_incl_vat": money(incl)})
    return discounts


def totals(lines: list[dict], shipping: dict, discounts: list[dict]) -> dict:
    """Order totals and the per-rate breakdown, summed from the already rounded parts."""
    base: dict[str, Decimal] = defaultdict(Decimal)
    vat: dict[str, Decimal] = defaultdict(Decimal)
    parts = [(l["vat_rate"], l["total_excl_vat"], l["total_incl_vat"], 1) for l in lines]
    if Decimal(shipping["price_incl_vat"]) != ZERO:
        # Free shipping adds no rate of its own to the breakdown.
        parts.append((shipping["vat_rate"], shipping["price_excl_vat"], shipping["price_incl_vat"], 1))
    parts += [(d["vat_rate"], d["amount_excl_vat"], d["amount_incl_vat"], -1) for d in discounts]
    for rate, excl, incl, sign in parts:
        base[rate] += sign * Decimal(excl)
        vat[rate] += sign * (Decimal(incl) - Decimal(excl))
    line_excl = sum((Decimal(l["total_excl_vat"]) for l in lines), ZERO)
    discount_excl = sum((Decimal(d["amount_excl_vat"]) for d in discounts), ZERO)
    vat_total = sum(vat.values(), ZERO)
    return {
        "subtotal_excl_vat": money(line_excl),
        "shipping_excl_vat": shipping["price_excl_vat"],
        "discount_excl_vat": money(discount_excl),
        "vat_total": money(vat_total),
        "total_incl_vat": money(sum(base.values(), ZERO) + vat_total),
        "vat_breakdown": [{"rate": r, "base": money(base[r]), "vat": money(vat[r])}
                          for r in sorted(base, key=lambda r: -Decimal(r))],
    }
