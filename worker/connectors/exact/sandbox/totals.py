"""Line and document amounts with Decimal arithmetic, rounded half-up to cents."""
from __future__ import annotations

from decimal import ROUND_HALF_UP
from decimal import Decimal

from .convert import money
from .convert import to_decimal
from .errors import ExactError

CENT = Decimal("0.01")


def cents(value: Decimal) -> Decimal:
    """Round to cents, half up."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def vat_rate(vat_code: dict | None) -> tuple[str, Decimal]:
    """(Type, fraction) of a VAT code; a missing code means no VAT."""
    if vat_code is None:
        return "N", Decimal(0)
    return vat_code.get("Type") or "E", to_decimal(vat_code.get("Percentage") or 0)


def split_amount(base: Decimal, vat_code: dict | None) -> tuple[Decimal, Decimal]:
    """(net, VAT) of a line whose priced amount is ``base``: VAT is in it for type I, on top for E."""
    kind, rate = vat_rate(vat_code)
    if kind == "I":
        vat = cents(base * rate / (1 + rate))
        return base - vat, vat
    if kind == "E":
        return base, cents(base * rate)
    return base, Decimal("0.00")  # B (0%, base only) and N (no VAT)


def priced_line(line: dict, vat_code: dict | None) -> tuple[Decimal, Decimal]:
    """(net, VAT) of an order or invoice line from Quantity x UnitPrice x (1 - Discount).

    Exact's Discount is a fraction (0.1 = 10%). Without a UnitPrice a posted AmountFC is taken as
    the amount excluding VAT, as Exact documents AmountFC.
    """
    discount = to_decimal(line.get("Discount") or 0)
    if not Decimal(0) <= discount <= Decimal(1):
        raise ExactError(400, f"Discount: ongeldige waarde {line.get('Discount')} (een fractie tussen 0 en 1)")
    if line.get("UnitPrice") is None and line.get("AmountFC") is not None:
        net = cents(to_decimal(line["AmountFC"]))
        kind, rate = vat_rate(vat_code)
        return net, cents(net * rate) if kind in ("E", "I") else Decimal("0.00")
    quantity = to_decimal(1 if line.get("Quantity") is None else line["Quantity"])
    price = to_decimal(line.get("UnitPrice") or 0)
    return split_amount(cents(quantity * price * (1 - discount)), vat_code)


def entry_line(line: dict, vat_code: dict | None) -> tuple[Decimal, Decimal]:
    """(net, VAT) of a sales-entry line: AmountFC is net; VAT from VATAmountFC or the code's rate."""
    net = cents(to_decimal(line["AmountFC"]))
    if line.get("VATAmountFC") is not None:
        return net, cents(to_decimal(line["VATAmountFC"]))
    kind, rate = vat_rate(vat_code)
    return net, cents(net * rate) if kind in ("E", "I") else Decimal("0.00")


def sums(pairs: list[tuple[Decimal, Decimal]]) -> tuple[Decimal, Decimal]:
    """(total net, total VAT) of (net, VAT) pairs."""
    return sum((n for n, _ in pairs), Decimal("0.00")), sum((v for _, v in pairs), Decimal("0.00"))


def as_money(value: Decimal) -> float:
    """A rounded Decimal as a JSON number."""
    return money(cents(value))
