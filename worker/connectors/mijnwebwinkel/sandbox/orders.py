"""Orders as MyOnlineStore writes them (sources.md §2.5), built from a short description.

Money follows the store: prices are gross, each line's ``amount_including_tax`` has exactly two
decimals and its net ``amount`` six. A discount is spread over the VAT rates of the articles in
proportion to their gross totals (one ``TaxPrice`` per rate, the last rate taking the rounding rest),
as the store's discount lines do. B2B reverse-charge and zero-percent orders carry 0 % lines.
"""
from __future__ import annotations

import uuid
from decimal import ROUND_HALF_UP, Decimal

CENT, MICRO = Decimal("0.01"), Decimal("0.000001")


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def tax_price(gross: Decimal, rate: Decimal) -> dict:
    """A TaxPrice: net with six decimals, gross with exactly two, the rate as "21.00"."""
    net = (gross / (1 + rate / 100)).quantize(MICRO, rounding=ROUND_HALF_UP)
    return {"amount": f"{net}", "amount_including_tax": f"{_cents(gross):.2f}", "rate": f"{rate:.2f}"}


def spread(total: Decimal, weights: dict[Decimal, Decimal]) -> dict[Decimal, Decimal]:
    """``total`` split over rates in proportion to ``weights`` (gross per rate), to the cent, summing exactly."""
    rates, whole, parts = sorted(weights), sum(weights.values()), {}
    for rate in rates[:-1]:
        parts[rate] = _cents(total * weights[rate] / whole) if whole else Decimal("0.00")
    parts[rates[-1]] = total - sum(parts.values(), Decimal("0.00"))
    return parts


def _article(line: dict, zero_rated: bool) -> tuple[dict, Decimal, Decimal]:
    quantity, rate = int(line.get("quantity", 1)), Decimal(str(line.get("rate", "21")))
    unit = Decimal(str(line["unit_price"]))
    if zero_rated:  # the store charges no VAT: the gross price is the net one
        rate = Decimal("0")
    gross = unit * quantity
    price = tax_price(gross, rate)
    detail = {"id": str(uuid.uuid4()), "type": "article", "quantity": quantity,
              "description": line.get("description", "Artikel"), "price": price,
              "articles": [{"id": line.get("article_id", 1), "description": line.get("description", "Artikel"),
                            "sku": line.get("sku", f"ART-{line.get('article_id', 1)}"), "price": {"amount": tax_price(unit, rate)["amount"],
                                                                  "rate": f"{rate:.2f}"}}]}
    return detail, rate, gross


def _spread_line(kind: str, amount: Decimal, weights: dict[Decimal, Decimal], description: str) -> dict:
    parts = spread(amount, weights)
    prices = [tax_price(part, rate) for rate, part in sorted(parts.items()) if part]
    return {"id": str(uuid.uuid4()), "type": kind, "quantity": 1, "description": description,
            "price": prices if len(prices) > 1 else prices[0]}


def build_order(number: int, spec: dict, date: str, time: str) -> dict:
    """The full order JSON for ``spec`` (lines, discount, shipping, payment_costs, b2b, status, test)."""
    strategy = spec.get("tax_strategy", "")
    zero_rated = strategy in ("reverse_charged_vat", "zero_percent")
    orderlines, weights = [], {}
    for line in spec.get("lines") or [{"description": "Theedoek", "unit_price": "12.50", "rate": "21"}]:
        detail, rate, gross = _article(line, zero_rated)
        orderlines.append(detail)
        weights[rate] = weights.get(rate, Decimal("0")) + gross
    for kind, key, text in (("discount", "discount", "Korting"), ("shipping", "shipping", "Verzendkosten"),
                            ("payment", "payment_costs", "Transactiekosten")):
        amount = Decimal(str(spec.get(key) or "0"))
        if amount:
            orderlines.append(_spread_line(kind, -amount if kind == "discount" else amount, weights,
                                           spec.get(f"{key}_description", text)))
    return _order(number, spec, date, time, strategy, orderlines)


def _tax_totals(orderlines: list[dict]) -> tuple[Decimal, list[dict]]:
    total, by_rate = Decimal("0.00"), {}
    for line in orderlines:
        for price in line["price"] if isinstance(line["price"], list) else [line["price"]]:
            gross, net = Decimal(price["amount_including_tax"]), Decimal(price["amount"])
            total += gross
            by_rate[price["rate"]] = by_rate.get(price["rate"], Decimal("0")) + gross - net
    return total, [{"rate": rate, "amount": f"{_cents(vat):.2f}"} for rate, vat in sorted(by_rate.items())]


def _order(number: int, spec: dict, date: str, time: str, strategy: str, orderlines: list[dict]) -> dict:
    total, taxes = _tax_totals(orderlines)
    b2b = spec.get("b2b") or {}
    invoice = {"name": spec.get("name", "Truus Voorbeeldig"), "company": b2b.get("company", ""),
               "street": "Molenstraat", "number": "62", "zipcode": "5341GE", "city": "Oss",
               "country": "Nederland", "country_code": spec.get("country", b2b.get("country", "NL")),
               "phone": "06-12345678"}
    if b2b.get("taxnumber"):
        invoice["taxnumber"] = b2b["taxnumber"]
    order = {
        "number": number, "uuid": str(uuid.uuid4()), "date": date, "time": time,
        "status": int(spec.get("status", 1)), "status_changed_date": date, "status_changed_time": time,
        "archived": False, "finished": True, "taxed": "include", "locale": "nl_NL",
        "discountcode": spec.get("discountcode", ""), "currency": spec.get("currency", "EUR"),
        "business_model": "B2B" if b2b else "B2C", "tax_region": invoice["country_code"],
        "tax_strategy": strategy, "partner": {"name": ""},
        "payment": {"gateway_name": spec.get("gateway", "mollie"), "method_name": spec.get("method", "ideal")},
        "payment_status": spec.get("payment_status", "captured"),
        "debtor": {"email": spec.get("email", f"klant{number}@example.nl"), "address": {"invoice": invoice}},
        "price": {"total": f"{total:.2f}", "tax": taxes if len(taxes) != 1 or spec.get("tax_as_list") else taxes[0]},
        "orderlines": orderlines,
        "shipping": [{"country": {"description": invoice["country"], "isocode": invoice["country_code"]}}],
    }
    if b2b.get("reference"):
        order["reference"] = b2b["reference"]
    if spec.get("delivery"):
        order["debtor"]["address"]["delivery"] = {**invoice, **spec["delivery"]}
        order["debtor"]["address"]["delivery"].pop("taxnumber", None)
    return order


def credit_of(original: dict, number: int, status: int, date: str, time: str) -> dict:
    """A credit order for the whole of ``original``: every amount negated, linked to it."""
    def negate(price: dict) -> dict:
        return {**price, "amount": f"{-Decimal(price['amount'])}",
                "amount_including_tax": f"{-Decimal(price['amount_including_tax']):.2f}"}

    lines = [{**line, "id": str(uuid.uuid4()),
              "price": [negate(p) for p in line["price"]] if isinstance(line["price"], list) else negate(line["price"])}
             for line in original["orderlines"]]
    total, taxes = _tax_totals(lines)
    credit = {**original, "number": number, "uuid": str(uuid.uuid4()), "date": date, "time": time,
              "status": status, "status_changed_date": date, "status_changed_time": time,
              "credited_order_number": original["number"], "orderlines": lines,
              "price": {"total": f"{total:.2f}", "tax": taxes}}
    credit.pop("credit_order_numbers", None)
    credit.pop("payment", None)  # credit orders carry no payment information (vendor spec)
    return credit
