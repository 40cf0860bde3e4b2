"""Canonical order to Exact Online payloads, field by field as manual 003 §6 specifies.

Prices: ``price_mode`` "incl" (the manual's usual case) sends unit prices incl. VAT with Exact VAT
codes of the inclusive kind, so Exact's line total, round(quantity × unit price, 2), equals the
shop's line total exactly; "excl" sends the excl. VAT unit price with exclusive VAT codes.
Sales entries carry amounts, not prices: each line's excl. VAT total and its VAT amount as the shop
computed them, so nothing is rounded twice.
"""
from __future__ import annotations

from decimal import Decimal

from worker.canonical import Customer, Line, Order, Address
from worker.connectors.errors import MappingError
from worker.vat_map import vat_row

# Item codes of the dummy products for the lines that are not products (manual 003 §6).
DUMMY_ITEMS = {"shipping": ("KOPPEL-VERZEND", "Verzendkosten"), "payment": ("KOPPEL-BETAAL", "Betaalkosten"),
               "discount": ("KOPPEL-KORTING", "Korting")}


def item_code(line: Line) -> str:
    """The Exact item code of a line: the shop's SKU, or the dummy product of its kind."""
    if line.kind in DUMMY_ITEMS:
        return DUMMY_ITEMS[line.kind][0]
    if not line.sku:
        raise MappingError("PRODUCT_WITHOUT_SKU", line.description)
    return line.sku[:30]


def item_payload(line: Line, row: dict, unit: str | None = None) -> dict:
    """A new Exact item: VAT code and revenue account from the sales line, the merchant's default unit."""
    description = DUMMY_ITEMS[line.kind][1] if line.kind in DUMMY_ITEMS else line.description
    payload = {"Code": item_code(line), "Description": description[:60], "IsSalesItem": True,
               "SalesVatCode": row["vat_code"]}
    if row.get("gl_account"):  # absent under "no revenue account": Exact gives the item its default
        payload["GLRevenue"] = row["gl_account"]
    if unit:
        payload["Unit"] = unit
    return payload


def account_payload(customer: Customer, billing: Address, settings: dict) -> dict:
    payload = {"Name": customer.name[:50], "Email": customer.email, "Status": "C", "IsSales": True,
               "AddressLine1": billing.line1(), "Postcode": billing.postal_code, "City": billing.city,
               "Country": billing.country, "Phone": customer.phone}
    if customer.vat_number:
        payload["VATNumber"] = customer.vat_number
    if settings.get("payment_condition"):
        payload["PaymentConditionSales"] = settings["payment_condition"]
    return {key: value for key, value in payload.items() if value not in ("", None)}


def _price(line: Line, settings: dict) -> Decimal:
    return line.unit_price_excl if settings.get("price_mode") == "excl" else line.unit_price_incl


def _item_line(order: Order, line: Line, items: dict, settings: dict, with_gl: bool) -> dict:
    row = vat_row(settings, order, line)
    payload = {"Description": line.description[:60], "Item": items[item_code(line)],
               "Quantity": float(line.quantity), "UnitPrice": float(_price(line, settings)),
               "VATCode": row["vat_code"]}
    if with_gl:
        payload["GLAccount"] = row["gl_account"]
    return payload


def _currency(order: Order) -> dict:
    """The document's Currency only when it is not the division's euro (pre-checks allowed it)."""
    return {} if order.currency == "EUR" else {"Currency": order.currency}


def invoice_payload(order: Order, account_id: str, items: dict, settings: dict) -> dict:
    """A SalesInvoices body: our order number as YourRef, on the sales journal (manual 003).

    Contract options set by webcare: direct sales invoices (type 8023, which Exact only takes with a
    warehouse) and no revenue account on the lines (Exact then takes the item's own).
    """
    with_gl = not settings.get("contract_no_revenue_account")
    payload = {
        **_currency(order), "OrderedBy": account_id, "InvoiceDate": order.date.isoformat(), "Type": 8020,
        "Journal": settings["sales_journal"], "Description": f"Order number {order.number}"[:60],
        "YourRef": order.number, "PaymentReference": order.number[:35], "Remarks": order.payment_method,
        "SalesInvoiceLines": [_item_line(order, line, items, settings, with_gl) for line in order.lines],
    }
    if settings.get("contract_direct_sales_invoices"):
        if not settings.get("warehouse"):
            raise MappingError("DIRECT_INVOICE_WITHOUT_WAREHOUSE", order.number)
        payload.update(Type=8023, Warehouse=settings["warehouse"])
    return payload


def order_payload(order: Order, account_id: str, items: dict, settings: dict, address_id: str | None) -> dict:
    """A SalesOrders body; the product decides the ledger account, so no GLAccount on lines."""
    payload = {
        **_currency(order), "OrderedBy": account_id, "OrderDate": order.date.isoformat(),
        "Description": order.number[:60],
        "YourRef": order.number, "PaymentReference": order.number[:35],
        "SalesOrderLines": [_item_line(order, line, items, settings, False) for line in order.lines],
    }
    if settings.get("warehouse"):
        payload["WarehouseID"] = settings["warehouse"]
    if address_id:
        payload["DeliveryAddress"] = address_id
    return payload


def entry_payload(order: Order, account_id: str, settings: dict) -> dict:
    """A SalesEntries body: ledger lines with amounts excl. VAT and the shop's VAT amounts."""
    lines = []
    for line in order.lines:
        row = vat_row(settings, order, line)
        lines.append({"Description": line.description[:60], "Quantity": float(line.quantity),
                      "AmountFC": float(line.total_excl), "VATAmountFC": float(line.vat_amount),
                      "VATCode": row["vat_code"], "GLAccount": row["gl_account"]})
    return {**_currency(order), "Customer": account_id, "EntryDate": order.date.isoformat(), "Journal": settings["sales_journal"],
            "Description": order.number[:60], "YourRef": order.number, "PaymentReference": order.number[:35],
            "SalesEntryLines": lines}


def address_payload(account_id: str, address: Address) -> dict:
    """A crm/Addresses body for a delivery address that differs from the billing address."""
    return {"Account": account_id, "Type": 4, "AddressLine1": address.line1(), "Postcode": address.postal_code,
            "City": address.city, "Country": address.country}
