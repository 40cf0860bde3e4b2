"""A sandbox order record as the Orders API v2026-01-01 returns it (specs/amazon/orders_2026-01-01.json).

EU amounts are gross (VAT included); the TAX breakdown holds the VAT inside them, or 0.00 when the
record says Amazon does not state it (``tax_populated`` false, common for EU FBM orders, §1.6).
Items carry no amounts while the order is PENDING or PENDING_AVAILABILITY; the delivery address is
given only once the order is UNSHIPPED, PARTIALLY_SHIPPED or SHIPPED (§1.8). Without the app's PII
roles the buyer and the address's personal parts are left out.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from worker.connectors.amazon.sandbox.state import iso

UNPRICED = {"PENDING", "PENDING_AVAILABILITY"}
ADDRESSED = {"UNSHIPPED", "PARTIALLY_SHIPPED", "SHIPPED"}
NON_PII_ADDRESS = ("city", "stateOrRegion", "postalCode", "countryCode", "districtOrCounty", "municipality")
NAMES = {"A1805IZSGTT6HS": "Amazon.nl", "A1PA6795UKMFR9": "Amazon.de"}


def money(amount: Decimal, currency: str) -> dict:
    return {"amount": f"{amount:.2f}", "currencyCode": currency}


def vat_in(gross: Decimal, rate: Decimal) -> Decimal:
    return (gross * rate / (100 + rate)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _item_amounts(item: dict, record: dict) -> dict:
    cur, rate = record.get("currency", "EUR"), Decimal(str(item.get("vat_rate", "21")))
    stated = record.get("tax_populated", True) or item.get("collected")
    parts = {"ITEM": Decimal(str(item["unit_price"])) * int(item["quantity"]),
             "SHIPPING": Decimal(str(item.get("shipping", "0"))), "GIFT_WRAP": Decimal(str(item.get("gift_wrap", "0")))}
    discount_item, discount_ship = -Decimal(str(item.get("discount", "0"))), -Decimal(str(item.get("discount_shipping", "0")))
    breakdowns = [{"type": k, "subtotal": money(v, cur)} for k, v in parts.items() if v or k == "ITEM"]
    if discount_item or discount_ship:
        breakdowns.append({"type": "DISCOUNT", "subtotal": money(discount_item + discount_ship, cur),
                           "detailedBreakdowns": [{"subtype": "ITEM", "value": money(discount_item, cur)},
                                                  {"subtype": "SHIPPING", "value": money(discount_ship, cur)}]})
    taxes = {k: (vat_in(v, rate) if stated else Decimal("0.00")) for k, v in parts.items() if v or k == "ITEM"}
    if discount_item or discount_ship:
        taxes["DISCOUNT"] = vat_in(discount_item + discount_ship, rate) if stated else Decimal("0.00")
    breakdowns.append({"type": "TAX", "subtotal": money(sum(taxes.values(), Decimal("0.00")), cur),
                       "detailedBreakdowns": [{"subtype": k, "value": money(v, cur)} for k, v in taxes.items()]})
    total = sum(parts.values(), Decimal("0.00")) + discount_item + discount_ship  # gross: the VAT is inside
    return {"proceedsTotal": money(total, cur), "breakdowns": breakdowns}


def _item(item: dict, record: dict, included: set[str]) -> dict:
    out = {"orderItemId": item["orderItemId"], "quantityOrdered": int(item["quantity"]),
           "product": {"asin": item.get("asin", "B000000000"), "title": item.get("title", ""),
                       "sellerSku": item.get("sku", "")},
           "fulfillment": {"quantityFulfilled": int(item["quantity"]) if record["status"] == "SHIPPED" else 0,
                           "quantityUnfulfilled": 0 if record["status"] == "SHIPPED" else int(item["quantity"])}}
    if item.get("gift_message"):
        out["fulfillment"]["packing"] = {"giftOption": {"giftMessage": item["gift_message"], "giftWrapLevel": "STANDARD"}}
    if record["status"] not in UNPRICED:
        unit = Decimal(str(item["unit_price"]))
        out["product"]["price"] = {"unitPrice": money(unit, record.get("currency", "EUR"))}
        if "PROCEEDS" in included:
            out["proceeds"] = _item_amounts(item, record)
        if "PROMOTION" in included and item.get("promotion_ids"):
            out["promotion"] = {"breakdowns": [{"promotionId": p} for p in item["promotion_ids"]]}
    if "TAX" in included and item.get("collected"):
        out["tax"] = {"taxCollections": [{"model": "MARKETPLACE_FACILITATOR", "responsibleParty": "Amazon Services Europe S.a.r.L."}]}
    return out


def _order_proceeds(items: list[dict], currency: str) -> dict:
    total, sums = Decimal("0.00"), {}
    for item in items:
        total += Decimal(item["proceeds"]["proceedsTotal"]["amount"])
        for b in item["proceeds"]["breakdowns"]:
            sums[b["type"]] = sums.get(b["type"], Decimal("0.00")) + Decimal(b["subtotal"]["amount"])
    return {"grandTotal": money(total, currency),
            "breakdowns": [{"type": k, "subtotal": money(v, currency)} for k, v in sums.items()]}


def order(record: dict, included: set[str], pii: bool) -> dict:
    """The order JSON with the datasets ``included`` asked for."""
    out = {"orderId": record["orderId"], "createdTime": iso(record["created"]), "lastUpdatedTime": iso(record["updated"]),
           "programs": (["AMAZON_BUSINESS"] if record.get("business") else []),
           **({"associatedOrders": record["associated"]} if record.get("associated") else {}),
           "salesChannel": {"channelName": "AMAZON", "marketplaceId": record["marketplaceId"],
                            "marketplaceName": NAMES.get(record["marketplaceId"], "Amazon")}}
    items = [_item(i, record, included) for i in record["items"]]
    out["orderItems"] = items
    if "FULFILLMENT" in included:
        out["fulfillment"] = {"fulfillmentStatus": record["status"], "fulfilledBy": record.get("fulfilledBy", "MERCHANT")}
    if "BUYER" in included and pii:
        buyer = dict(record.get("buyer") or {})
        if record.get("fulfilledBy") == "AMAZON":
            buyer.pop("buyerEmail", None)  # the relay e-mail is for merchant-fulfilled orders only
        out["buyer"] = buyer
    if "RECIPIENT" in included and record["status"] in ADDRESSED:
        address = dict(record.get("address") or {})
        out["recipient"] = {"deliveryAddress": address if pii else {k: v for k, v in address.items() if k in NON_PII_ADDRESS}}
    if "PROCEEDS" in included and record["status"] not in UNPRICED:
        out["proceeds"] = _order_proceeds(items, record.get("currency", "EUR"))
    if "TAX" in included:
        tax = {}
        if record.get("vat_number") and pii:
            tax["taxRegistrations"] = [{"entityType": "BUYER", "taxRegistrationType": "VAT", "legalName": record.get("buyer", {}).get("buyerCompanyName", ""),
                                        "taxRegistrationNumber": record["vat_number"],
                                        "taxRegistrationAddress": dict(record.get("address") or {})}]
        if record.get("invoice_status"):
            tax["taxInvoicing"] = {"invoiceStatus": record["invoice_status"]}
        if tax:
            out["tax"] = tax
    if "PAYMENT" in included:
        out["payment"] = {"paymentExecutions": [{"paymentMethod": "CreditCard"}]}
    return out
