"""A MyOnlineStore order (sources.md §2.5) to the canonical order.

Money rule: the store's gross amounts are taken as given (``amount_including_tax``, exactly two
decimals; ``price.total``). Each line's VAT is derived once from its gross amount, per line, half up
(gross × rate / (100 + rate)), and its net is gross − VAT: exactly what a target computes from a
gross price, so nothing moves a cent. A line priced at several rates (a discount or shipping spread
over the articles' rates) becomes one canonical line per rate.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from worker.canonical import Address, Customer, Line, Order
from worker.connectors.mijnwebwinkel.fields import (
    AMSTERDAM, CENT, OrderDataError, decimal, group, items, moment, money, required, text)
from worker.i18n import N_
from worker.unreadable import shown

KINDS = {"article": "product", "custom": "product", "shipping": "shipping", "payment": "payment",
         "discount": "discount"}
REGIMES = {"": "standard", "reverse_charged_vat": "intra_eu_reverse_charge", "zero_percent": "export"}
ID_LENGTH = 100  # orders.shop_order_id and orders.number


def _prices(line: dict, path: str) -> list[dict]:
    price = required(line, "price", f"{path}.price")
    prices = price if isinstance(price, list) else [price]
    if not prices or not all(isinstance(p, dict) for p in prices):
        raise OrderDataError(N_("the field {field} holds {value} where a group of fields belongs"),
                             field=f"{path}.price", value=shown(price))
    return prices


def _gross(price: dict, path: str) -> tuple[Decimal, Decimal]:
    """(gross, rate) of one TaxPrice; a gross amount left out is the net one with its VAT, half up."""
    rate = decimal(required(price, "rate", f"{path}.rate"), f"{path}.rate").quantize(CENT)
    if price.get("amount_including_tax") is not None:
        return money(price["amount_including_tax"], f"{path}.amount_including_tax"), rate
    net = decimal(required(price, "amount", f"{path}.amount"), f"{path}.amount")
    return (net * (100 + rate) / 100).quantize(CENT, rounding=ROUND_HALF_UP), rate


def _line(kind: str, description: str, sku: str, quantity: int, gross: Decimal, rate: Decimal) -> Line:
    vat = (gross * rate / (100 + rate)).quantize(CENT, rounding=ROUND_HALF_UP)
    if quantity < 1 or (gross / quantity) % CENT != 0:
        # A total that is not a whole number of cents per unit is booked as one line of the whole.
        description, quantity = (f"{quantity} × {description}" if quantity != 1 else description), 1
    unit_excl = ((gross - vat) / quantity).quantize(CENT, rounding=ROUND_HALF_UP)
    return Line(kind=kind, description=description, quantity=Decimal(quantity), unit_price_incl=gross / quantity,
                unit_price_excl=unit_excl, vat_rate=rate, total_incl=gross, total_excl=gross - vat,
                vat_amount=vat, sku=sku)


def _lines_of(line: dict, number: int) -> list[Line]:
    path = f"orderlines[{number}]"
    prices = _prices(line, path)
    kind_text = text(line, "type", f"{path}.type")
    articles = line.get("articles") if isinstance(line.get("articles"), list) else []
    first = articles[0] if articles and isinstance(articles[0], dict) else {}
    description = text(line, "description", f"{path}.description") or text(first, "description", path)
    sku = text(first, "sku", f"{path}.articles[1].sku")
    quantity = int(decimal(line.get("quantity", 1), f"{path}.quantity")) if len(prices) == 1 else 1
    result = []
    for n, price in enumerate(prices, 1):
        gross, rate = _gross(price, f"{path}.price[{n}]" if len(prices) > 1 else f"{path}.price")
        kind = KINDS.get(kind_text) or ("discount" if gross < 0 else "product")
        result.append(_line(kind, description or kind_text, sku, quantity, gross, rate))
    return result


def _address(data: dict, path: str) -> Address:
    return Address(street=text(data, "street", f"{path}.street"), house_number=text(data, "number", f"{path}.number"),
                   postal_code=text(data, "zipcode", f"{path}.zipcode"), city=text(data, "city", f"{path}.city"),
                   country=text(data, "country_code", f"{path}.country_code").upper())


def _customer(debtor: dict, invoice: dict) -> Customer:
    name = text(invoice, "name", "debtor.address.invoice.name") or text(debtor, "name", "debtor.name")
    first, _, last = name.strip().partition(" ")
    return Customer(email=text(debtor, "email", "debtor.email").strip().lower(), first_name=first, last_name=last,
                    company=text(invoice, "company", "debtor.address.invoice.company")
                    or text(debtor, "company", "debtor.company"),
                    vat_number=text(invoice, "taxnumber", "debtor.address.invoice.taxnumber").replace(" ", ""),
                    phone=text(invoice, "phone", "debtor.address.invoice.phone"))


def _vat_total(price: dict) -> Decimal:
    taxes = price.get("tax") or []
    taxes = taxes if isinstance(taxes, list) else [taxes]
    return sum((money(t.get("amount", "0"), "price.tax.amount") for t in taxes if isinstance(t, dict)), Decimal("0.00"))


def _key(data: dict) -> str:
    value = required(data, "number", "number")
    if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip():
        raise OrderDataError(N_("the order id is {value}, which is not a number or text"), value=shown(value))
    if len(str(value)) > ID_LENGTH:
        raise OrderDataError(N_("the order id is {length} characters long; at most {limit} are allowed"),
                             length=len(str(value)), limit=ID_LENGTH)
    return str(value)


def to_canonical(data) -> Order:
    """Read a MyOnlineStore order; raises ``OrderDataError`` saying which field is missing or unreadable."""
    if not isinstance(data, dict):
        raise OrderDataError(N_("it holds {value} where an order belongs"), value=shown(data))
    key = _key(data)
    debtor = group(data, "debtor", "debtor")
    addresses = group(debtor, "address", "debtor.address")
    invoice, delivery = group(addresses, "invoice", "debtor.address.invoice"), group(addresses, "delivery", "debtor.address.delivery")
    billing, shipping = _address(invoice, "debtor.address.invoice"), _address(delivery, "debtor.address.delivery")
    price = group(data, "price", "price")
    created = moment(required(data, "date", "date"), data.get("time"), "date")
    lines = [line for n, raw in enumerate(items(data, "orderlines", "orderlines"), 1) for line in _lines_of(raw, n)]
    return Order(
        source_id=key, number=key, date=created.astimezone(AMSTERDAM).date(),
        status=str(required(data, "status", "status")), currency=text(data, "currency", "currency", "EUR").upper(),
        prices_include_vat=data.get("taxed", "include") == "include",
        customer=_customer(debtor, invoice), billing=billing,
        shipping=None if shipping in (billing, Address()) else shipping, lines=tuple(lines),
        total_incl=money(required(price, "total", "price.total"), "price.total"), vat_total=_vat_total(price),
        vat_regime=REGIMES.get(text(data, "tax_strategy", "tax_strategy"), "standard"),
        payment_method=text(group(data, "payment", "payment"), "method_name", "payment.method_name"),
        updated_at=moment(data.get("status_changed_date"), data.get("status_changed_time"), "status_changed_date")
        or created)


def identity(data) -> dict | None:
    """What an unreadable order can still be stored under: its number and status, or None without a number."""
    if not isinstance(data, dict):
        return None
    number = data.get("number")
    if isinstance(number, bool) or not isinstance(number, (int, str)) or not str(number).strip():
        return None
    status = data.get("status")
    return {"shop_order_id": str(number)[:ID_LENGTH], "number": str(number)[:ID_LENGTH],
            "shop_status": str(status)[:60] if isinstance(status, (int, str)) else ""}


def skip_reason(data) -> str | None:
    """Why this order is never booked as a sale (marked N_), or None: credit orders and refunded orders."""
    if not isinstance(data, dict):
        return None
    if data.get("credited_order_number") not in (None, "", 0):
        return N_("This is a credit order (a refund in your shop); credit orders are not transferred.")
    payment = data.get("payment") if isinstance(data.get("payment"), dict) else {}
    status = payment.get("status") if isinstance(payment.get("status"), dict) else {}
    if data.get("payment_status") == "refunded" or status.get("id") == 7:
        return N_("Its payment was refunded in your shop; refunded orders are not transferred.")
    return None
