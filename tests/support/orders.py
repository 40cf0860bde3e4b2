"""KMO Shops orders built from chosen lines, with the shop's rounding rule, for property tests and benches.

The shop rounds per line: with prices incl. VAT, a line's total incl. is unit × quantity and its VAT
is round(total × r / (100 + r)); with prices excl. VAT, the total excl. is unit × quantity and the
VAT round(total × r / 100). The order total is the sum of its lines, shipping and payment costs,
minus discounts.
"""
from __future__ import annotations

import dataclasses
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclasses.dataclass(frozen=True)
class Amount:
    """One priced thing: a line (quantity > 0) or shipping/payment/discount (quantity 1)."""

    unit: Decimal  # in the order's basis (incl. or excl. VAT)
    rate: Decimal
    quantity: int = 1

    def split(self, incl: bool) -> tuple[Decimal, Decimal, Decimal]:
        """(total incl., total excl., VAT) by the shop's rule."""
        total = self.unit * self.quantity
        if incl:
            vat = cents(total * self.rate / (100 + self.rate))
            return total, total - vat, vat
        vat = cents(total * self.rate / 100)
        return total + vat, total, vat


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _charge(amount: Amount | None, incl: bool) -> dict | None:
    if amount is None:
        return None
    total_incl, total_excl, _ = amount.split(incl)
    return {"price_excl_vat": _money(total_excl), "vat_rate": _money(amount.rate), "price_incl_vat": _money(total_incl)}


def build(number: str, order_id: int, lines: list[Amount], incl: bool, email: str, shipping: Amount | None = None,
          payment: Amount | None = None, discount: Amount | None = None, company: str = "",
          vat_number: str = "", regime: str = "standard") -> tuple[dict, dict[Decimal, Decimal]]:
    """The order JSON and its VAT per rate; ``discount`` may be a list (one discount per VAT rate)."""
    reductions = discount if isinstance(discount, list) else [discount] if discount is not None else []
    body, vat_by_rate, total = [], {}, Decimal("0.00")
    for index, line in enumerate(lines, 1):
        total_incl, total_excl, vat = line.split(incl)
        unit_incl = line.unit if incl else cents(line.unit * (1 + line.rate / 100))
        unit_excl = cents(line.unit / (1 + line.rate / 100)) if incl else line.unit
        body.append({"id": index, "sku": f"SKU-{int(line.rate)}-{index}", "name": f"Artikel {index}",
                     "quantity": line.quantity, "unit_price_excl_vat": _money(unit_excl),
                     "unit_price_incl_vat": _money(unit_incl), "vat_rate": _money(line.rate),
                     "discount_excl_vat": "0.00", "total_excl_vat": _money(total_excl), "vat_amount": _money(vat),
                     "total_incl_vat": _money(total_incl)})
        vat_by_rate[line.rate] = vat_by_rate.get(line.rate, Decimal("0.00")) + vat
        total += total_incl
    for extra, sign in ((shipping, 1), (payment, 1), *((reduction, -1) for reduction in reductions)):
        if extra is not None:
            total_incl, _, vat = extra.split(incl)
            vat_by_rate[extra.rate] = vat_by_rate.get(extra.rate, Decimal("0.00")) + sign * vat
            total += sign * total_incl
    discounts = []
    for reduction in reductions:
        charge = _charge(reduction, incl)
        discounts.append({"code": "KORTING", "amount_excl_vat": charge["price_excl_vat"],
                          "vat_rate": charge["vat_rate"], "amount_incl_vat": charge["price_incl_vat"]})
    order = {
        "id": order_id, "number": number, "created_at": "2026-11-02T10:00:00.000Z",
        "updated_at": "2026-11-02T10:00:00.000Z", "status": "paid", "currency": "EUR", "prices_include_vat": incl,
        "customer": {"email": email, "first_name": "Test", "last_name": "Klant", "company_name": company,
                     "vat_number": vat_number, "phone": ""},
        "billing_address": {"street": "Markt", "house_number": "1", "postal_code": "9000", "city": "Gent",
                            "country_code": "NL" if regime == "intra_eu_reverse_charge" else "BE"},
        "shipping_address": None, "lines": body, "shipping": _charge(shipping, incl) or {},
        "payment_costs": _charge(payment, incl), "discounts": discounts,
        "payment": {"method": "bancontact", "provider": "mollie", "status": "paid"}, "vat_regime": regime,
        "totals": {"vat_total": _money(sum(vat_by_rate.values(), Decimal("0.00"))), "total_incl_vat": _money(total)},
    }
    return order, vat_by_rate
