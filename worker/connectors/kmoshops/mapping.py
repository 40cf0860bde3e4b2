"""KMO Shops order JSON (contract kmoshops-sim/v0) to the canonical order.

Every field is checked for its kind and size as it is read (``fields``), so an order the shop got
wrong ends in Errors saying what is wrong, never as a crash or a database error at intake.
"""
from __future__ import annotations

import hashlib
from decimal import Decimal

from worker.canonical import Address, Customer, Line, Order
from worker.connectors.kmoshops.fields import (
    OrderDataError, currency, group, items, moment, money, quantity, required, text)
from worker.i18n import N_
from worker.unreadable import shown

__all__ = ["OrderDataError", "identity", "money", "to_canonical"]
ID_LENGTH = NUMBER_LENGTH = 100  # orders.shop_order_id and orders.number


def _address(data: dict, path: str) -> Address:
    return Address(street=text(data, "street", f"{path}.street"),
                   house_number=text(data, "house_number", f"{path}.house_number", numbers=True),
                   postal_code=text(data, "postal_code", f"{path}.postal_code", numbers=True),
                   city=text(data, "city", f"{path}.city"),
                   country=text(data, "country_code", f"{path}.country_code").upper())


def _customer(data: dict) -> Customer:
    return Customer(email=text(data, "email", "customer.email").strip().lower(),
                    first_name=text(data, "first_name", "customer.first_name"),
                    last_name=text(data, "last_name", "customer.last_name"),
                    company=text(data, "company_name", "customer.company_name"),
                    vat_number=text(data, "vat_number", "customer.vat_number"),
                    phone=text(data, "phone", "customer.phone", numbers=True))


def _product_line(data: dict, number: int) -> Line:
    path = f"lines[{number}]"

    def amount(key: str) -> Decimal:
        field = f"{path}.{key}"
        return money(required(data, key, field), field)

    return Line(kind="product", description=text(data, "name", f"{path}.name"),
                sku=text(data, "sku", f"{path}.sku", numbers=True),
                quantity=quantity(required(data, "quantity", f"{path}.quantity"), number),
                unit_price_incl=amount("unit_price_incl_vat"), unit_price_excl=amount("unit_price_excl_vat"),
                vat_rate=amount("vat_rate"), total_incl=amount("total_incl_vat"),
                total_excl=amount("total_excl_vat"), vat_amount=amount("vat_amount"))


def _amount_line(kind: str, description: str, data: dict, path: str, keys: tuple[str, str], sign: int = 1) -> Line:
    incl = money(required(data, keys[0], f"{path}.{keys[0]}"), f"{path}.{keys[0]}") * sign
    excl = money(required(data, keys[1], f"{path}.{keys[1]}"), f"{path}.{keys[1]}") * sign
    rate = money(required(data, "vat_rate", f"{path}.vat_rate"), f"{path}.vat_rate")
    return Line(kind=kind, description=description, quantity=Decimal(1), unit_price_incl=incl,
                unit_price_excl=excl, vat_rate=rate, total_incl=incl, total_excl=excl, vat_amount=incl - excl)


def _extra_lines(data: dict) -> list[Line]:
    lines, prices = [], ("price_incl_vat", "price_excl_vat")
    shipping = group(data, "shipping", "shipping")
    if shipping and money(shipping.get("price_incl_vat", "0"), "shipping.price_incl_vat") != 0:
        method = text(shipping, "method", "shipping.method")
        lines.append(_amount_line("shipping", f"Verzendkosten {method}".strip(), shipping, "shipping", prices))
    costs = group(data, "payment_costs", "payment_costs")
    if costs and money(costs.get("price_incl_vat", "0"), "payment_costs.price_incl_vat") != 0:
        lines.append(_amount_line("payment", "Betaalkosten", costs, "payment_costs", prices))
    for number, discount in enumerate(items(data, "discounts", "discounts"), 1):
        path = f"discounts[{number}]"
        code = text(discount, "code", f"{path}.code")
        lines.append(_amount_line("discount", f"Korting {code}".strip(), discount, path,
                                  ("amount_incl_vat", "amount_excl_vat"), sign=-1))
    return lines


def _key(data: dict) -> str:
    """The shop's order id as text: required, a number or text, at most 100 characters."""
    value = required(data, "id", "id")
    if isinstance(value, bool) or not isinstance(value, (int, str)) or str(value).strip() == "":
        raise OrderDataError(N_("the order id is {value}, which is not a number or text"), value=shown(value))
    if len(str(value)) > ID_LENGTH:
        raise OrderDataError(N_("the order id is {length} characters long; at most {limit} are allowed"),
                             length=len(str(value)), limit=ID_LENGTH)
    return str(value)


def _number(data: dict) -> str:
    value = text(data, "number", "number", numbers=True) or str(required(data, "number", "number"))
    if len(value) > NUMBER_LENGTH:
        raise OrderDataError(N_("the order number is {length} characters long; at most {limit} are allowed"),
                             length=len(value), limit=NUMBER_LENGTH)
    return value


def to_canonical(data) -> Order:
    """Read a KMO Shops order; raises ``OrderDataError`` saying which field is missing or unreadable."""
    if not isinstance(data, dict):
        raise OrderDataError(N_("it holds {value} where an order belongs"), value=shown(data))
    created = moment(data, "created_at")
    if created is None:
        raise OrderDataError(N_("the field {field} is missing"), field="created_at")
    billing = _address(group(data, "billing_address", "billing_address"), "billing_address")
    shipping = _address(group(data, "shipping_address", "shipping_address"), "shipping_address")
    totals = group(data, "totals", "totals")
    return Order(
        source_id=_key(data), number=_number(data), date=created.date(),
        status=text(data, "status", "status", limit=60) or required(data, "status", "status"),
        currency=currency(data), prices_include_vat=bool(data.get("prices_include_vat", True)),
        customer=_customer(group(data, "customer", "customer")),
        billing=billing, shipping=None if shipping in (billing, Address()) else shipping,
        lines=tuple([_product_line(line, n) for n, line in enumerate(items(data, "lines", "lines", True), 1)]
                    + _extra_lines(data)),
        total_incl=money(required(totals, "total_incl_vat", "totals.total_incl_vat"), "totals.total_incl_vat"),
        vat_total=money(required(totals, "vat_total", "totals.vat_total"), "totals.vat_total"),
        vat_regime=text(data, "vat_regime", "vat_regime", default="standard") or "standard",
        payment_method=text(group(data, "payment", "payment"), "method", "payment.method"),
        updated_at=moment(data, "updated_at"),
        paid=text(group(data, "payment", "payment"), "status", "payment.status") == "paid")


def identity(data) -> dict | None:
    """What an unreadable order can still be stored under (its id first), or None without an id.

    An id longer than our column keeps a readable start and a hash of the whole, so every retry of
    the same delivery finds the same row.
    """
    if not isinstance(data, dict):
        return None
    raw = data.get("id")
    if isinstance(raw, bool) or not isinstance(raw, (int, str)) or str(raw).strip() == "":
        return None
    key = str(raw)
    if len(key) > ID_LENGTH:
        key = key[:ID_LENGTH - 33] + "~" + hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:32]
    number = data.get("number")
    number = str(number) if isinstance(number, (str, int)) and not isinstance(number, bool) and str(number) else key
    status = data.get("status")
    return {"shop_order_id": key, "number": number[:NUMBER_LENGTH],
            "shop_status": status[:60] if isinstance(status, str) else ""}
