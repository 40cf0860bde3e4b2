"""What Koppel keeps of an Amazon order: nothing personal but the e-mail, postal code, city and country.

Manual 002 and the AVG/GDPR: Amazon may return the buyer's name, street, phone, company and gift
messages (the app has the PII roles to read the e-mail and address at all), but only the relay
e-mail address, postal code, city and country may reach the accounting system, so only they are
stored. Everything is copied by allow-list: a field Amazon adds later is dropped, not kept by accident.
"""
from __future__ import annotations

ORDER_FIELDS = ("orderId", "orderAliases", "createdTime", "lastUpdatedTime", "programs", "associatedOrders",
                "salesChannel", "proceeds")
ITEM_FIELDS = ("orderItemId", "quantityOrdered", "programs", "proceeds", "promotion", "tax", "cancellation",
               "measurement")
PRODUCT_FIELDS = ("asin", "title", "sellerSku", "price", "condition")
ADDRESS_FIELDS = ("postalCode", "city", "countryCode")


def _pick(data, fields) -> dict:
    return {k: data[k] for k in fields if isinstance(data, dict) and k in data}


def _item(item: dict) -> dict:
    kept = _pick(item, ITEM_FIELDS)
    kept["product"] = _pick(item.get("product"), PRODUCT_FIELDS)
    fulfillment = item.get("fulfillment") if isinstance(item.get("fulfillment"), dict) else {}
    kept["fulfillment"] = _pick(fulfillment, ("quantityFulfilled", "quantityUnfulfilled"))
    gift = ((fulfillment.get("packing") or {}).get("giftOption") or {}) if isinstance(fulfillment.get("packing"), dict) else {}
    if isinstance(gift, dict) and gift.get("giftWrapLevel"):
        kept["fulfillment"]["giftWrapLevel"] = gift["giftWrapLevel"]  # the level, never the message
    return kept


def _tax(tax) -> dict:
    """The buyer's VAT registration number (B2B invoices) and the invoicing status; no names or addresses."""
    if not isinstance(tax, dict):
        return {}
    registrations = []
    for reg in tax.get("taxRegistrations") or []:
        if isinstance(reg, dict) and reg.get("entityType") == "BUYER":
            address = reg.get("taxRegistrationAddress") if isinstance(reg.get("taxRegistrationAddress"), dict) else {}
            registrations.append({**_pick(reg, ("entityType", "taxRegistrationType", "taxRegistrationNumber")),
                                  "taxRegistrationAddress": _pick(address, ("countryCode",))})
    kept = {"taxRegistrations": registrations} if registrations else {}
    if isinstance(tax.get("taxInvoicing"), dict):
        kept["taxInvoicing"] = _pick(tax["taxInvoicing"], ("invoiceStatus",))
    return kept


def keep(order: dict) -> dict:
    """The order as Koppel may store it."""
    kept = _pick(order, ORDER_FIELDS)
    buyer = order.get("buyer") if isinstance(order.get("buyer"), dict) else {}
    if buyer.get("buyerEmail"):
        kept["buyer"] = {"buyerEmail": buyer["buyerEmail"]}
    recipient = order.get("recipient") if isinstance(order.get("recipient"), dict) else {}
    if isinstance(recipient.get("deliveryAddress"), dict):
        kept["recipient"] = {"deliveryAddress": _pick(recipient["deliveryAddress"], ADDRESS_FIELDS)}
    kept["fulfillment"] = _pick(order.get("fulfillment"), ("fulfillmentStatus", "fulfilledBy", "fulfillmentServiceLevel"))
    payments = (order.get("payment") or {}).get("paymentExecutions") if isinstance(order.get("payment"), dict) else None
    if isinstance(payments, list):
        kept["payment"] = {"paymentExecutions": [_pick(p, ("paymentMethod", "paymentAmount")) for p in payments]}
    if tax := _tax(order.get("tax")):
        kept["tax"] = tax
    items = order.get("orderItems")
    kept["orderItems"] = [_item(i) for i in items if isinstance(i, dict)] if isinstance(items, list) else items
    return kept
