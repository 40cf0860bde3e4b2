"""KMO Shops order JSON (contract kmoshops-sim/v0) to the canonical order."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from worker.canonical import Address, Customer, Line, Order


class OrderDataError(ValueError):
    """The shop's order JSON lacks a field or holds a value we cannot read."""


def money(value) -> Decimal:
    try:
        return Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError) as exc:
        raise OrderDataError(f"not an amount: {value!r}") from exc


def _address(data: dict | None) -> Address:
    data = data or {}
    return Address(street=data.get("street", ""), house_number=str(data.get("house_number", "")),
                   postal_code=data.get("postal_code", ""), city=data.get("city", ""),
                   country=(data.get("country_code") or "").upper())


def _product_line(data: dict) -> Line:
    quantity = Decimal(str(data["quantity"]))
    return Line(kind="product", description=data.get("name", ""), sku=data.get("sku") or "",
                quantity=quantity, unit_price_incl=money(data["unit_price_incl_vat"]),
                unit_price_excl=money(data["unit_price_excl_vat"]), vat_rate=money(data["vat_rate"]),
                total_incl=money(data["total_incl_vat"]), total_excl=money(data["total_excl_vat"]),
                vat_amount=money(data["vat_amount"]))


def _amount_line(kind: str, description: str, incl, excl, rate, sign: int = 1) -> Line:
    incl, excl = money(incl) * sign, money(excl) * sign
    return Line(kind=kind, description=description, quantity=Decimal(1), unit_price_incl=incl,
                unit_price_excl=excl, vat_rate=money(rate), total_incl=incl, total_excl=excl,
                vat_amount=incl - excl)


def _extra_lines(data: dict) -> list[Line]:
    lines = []
    shipping = data.get("shipping")
    if shipping and money(shipping.get("price_incl_vat", "0")) != 0:
        lines.append(_amount_line("shipping", f"Verzendkosten {shipping.get('method', '')}".strip(),
                                  shipping["price_incl_vat"], shipping["price_excl_vat"], shipping["vat_rate"]))
    costs = data.get("payment_costs")
    if costs and money(costs.get("price_incl_vat", "0")) != 0:
        lines.append(_amount_line("payment", "Betaalkosten", costs["price_incl_vat"], costs["price_excl_vat"],
                                  costs["vat_rate"]))
    for discount in data.get("discounts") or []:
        lines.append(_amount_line("discount", f"Korting {discount.get('code', '')}".strip(),
                                  discount["amount_incl_vat"], discount["amount_excl_vat"],
                                  discount["vat_rate"], sign=-1))
    return lines


def _date(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise OrderDataError(f"not a date: {value!r}") from exc


def to_canonical(data: dict) -> Order:
    """Read a KMO Shops order; raises ``OrderDataError`` when a field is missing or unreadable."""
    try:
        customer = data.get("customer") or {}
        billing, shipping = _address(data.get("billing_address")), _address(data.get("shipping_address"))
        created = _date(data.get("created_at"))
        return Order(
            source_id=str(data["id"]), number=str(data["number"]), date=created.date(),
            status=data["status"], currency=data.get("currency", "EUR"),
            prices_include_vat=bool(data.get("prices_include_vat", True)),
            customer=Customer(email=(customer.get("email") or "").strip().lower(),
                              first_name=customer.get("first_name") or "", last_name=customer.get("last_name") or "",
                              company=customer.get("company_name") or "", vat_number=customer.get("vat_number") or "",
                              phone=customer.get("phone") or ""),
            billing=billing, shipping=None if shipping in (billing, Address()) else shipping,
            lines=tuple([_product_line(line) for line in data["lines"]] + _extra_lines(data)),
            total_incl=money(data["totals"]["total_incl_vat"]), vat_total=money(data["totals"]["vat_total"]),
            vat_regime=data.get("vat_regime", "standard"),
            payment_method=(data.get("payment") or {}).get("method", ""), updated_at=_date(data.get("updated_at")))
    except OrderDataError:
        raise
    except (KeyError, TypeError, AttributeError, IndexError) as exc:
        raise OrderDataError(f"missing or malformed field: {exc}") from exc
    except (InvalidOperation, ValueError) as exc:  # a quantity or rate that is not a number
        raise OrderDataError(f"not a number where a number belongs ({exc.__class__.__name__})") from exc
