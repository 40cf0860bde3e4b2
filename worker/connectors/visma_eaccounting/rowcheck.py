"""Before a draft or an order is sent: do Visma's own sums of our rows give the shop's amounts to the cent?

Visma prices every row itself, in the customer's price basis (incl. VAT for private persons unless
the company shows prices excl. VAT, else excl. VAT): amount = round(quantity × unit price, 2) and
VAT = round(amount × r / (1 + r), 2) or round(amount × r, 2), half up. That basis follows the
customer, not a setting of ours, so the pipeline's general price-basis check cannot know it; this
check runs where the basis is known, before anything is created, and stops an order that Visma
would book a cent off (PRICE_BASIS_MISMATCH) instead of letting it be booked wrong.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from worker.canonical import Order
from worker.connectors.errors import MappingError
from worker.connectors.visma_eaccounting.discounts import Row, row_vat

CENT = Decimal("0.01")
SYSTEM = "Visma eAccounting"


def visma_sums(rows: list[Row], includes_vat: bool) -> tuple[Decimal, dict[Decimal, Decimal]]:
    """(document total incl. VAT, VAT per rate) as Visma computes them from the rows."""
    total, vat = Decimal("0.00"), {}
    for line, price, quantity in rows:
        amount = (quantity * price).quantize(CENT, rounding=ROUND_HALF_UP)
        tax = row_vat(amount, line.vat_rate, includes_vat)
        total += amount if includes_vat else amount + tax
        vat[line.vat_rate] = vat.get(line.vat_rate, Decimal("0.00")) + tax
    return total, vat


def check(order: Order, rows: list[Row], includes_vat: bool) -> None:
    """MappingError("PRICE_BASIS_MISMATCH") when Visma's sums of ``rows`` differ from the order's."""
    total, vat = visma_sums(rows, includes_vat)
    wanted: dict[Decimal, Decimal] = {}
    for line in order.lines:
        wanted[line.vat_rate] = wanted.get(line.vat_rate, Decimal("0.00")) + line.vat_amount
    if total != order.total_incl or _nonzero(vat) != _nonzero(wanted):
        raise MappingError("PRICE_BASIS_MISMATCH", f"{SYSTEM} would book {total} instead of {order.total_incl}",
                           shop="incl." if order.prices_include_vat else "excl.",
                           ours="incl." if includes_vat else "excl.", system=SYSTEM)


def _nonzero(sums: dict[Decimal, Decimal]) -> dict[Decimal, Decimal]:
    """The rates that carry VAT (a 0 % rate has none on either side)."""
    return {rate: amount for rate, amount in sums.items() if amount}
