"""Customer ledger items with their voucher: a sales booking on a customer (swagger
``/v2/customerledgeritems/customerledgeritemswithvoucher``)."""
from __future__ import annotations

from decimal import Decimal

from . import books, validate
from .context import Ctx
from .errors import invalid, not_found

REQUIRED = ("CurrencyCode", "CustomerId", "DueDate", "InvoiceDate", "InvoiceNumber", "IsCreditInvoice",
            "RemainingAmountInvoiceCurrency", "RoundingsAmountInvoiceCurrency", "TotalAmountInvoiceCurrency",
            "VATAmountInvoiceCurrency", "Voucher")
LIMIT = Decimal(1_000_000_000)


def post_with_voucher(ctx: Ctx, body: dict) -> dict:
    """POST: validate the item and its voucher, store both, answer the item with the voucher."""
    validate.require(body, *REQUIRED)
    validate.booleans(body, "IsCreditInvoice")
    validate.lengths(body, {"CurrencyCode": 3, "PaymentReferenceNumber": 50})
    validate.integer(body, "InvoiceNumber", 1, 2**31 - 1)
    for field in ("RemainingAmountInvoiceCurrency", "TotalAmountInvoiceCurrency", "VATAmountInvoiceCurrency"):
        validate.number(body, field, 2, -LIMIT, LIMIT)
    validate.number(body, "RoundingsAmountInvoiceCurrency", 2, Decimal(-1), Decimal(1))
    customer = ctx.docs("customers").get(validate.guid(body, "CustomerId"))
    if customer is None:
        raise not_found("Customer", body["CustomerId"])
    if not isinstance(body["Voucher"], dict):
        raise invalid("Voucher: Must be an object.")
    voucher = books.post_voucher(ctx, body["Voucher"])
    record = {"Id": ctx.new_id(), "CustomerId": customer["Id"], "CurrencyCode": body["CurrencyCode"],
              "DueDate": validate.date(body, "DueDate").isoformat(),
              "InvoiceDate": validate.date(body, "InvoiceDate").isoformat(),
              "InvoiceNumber": int(body["InvoiceNumber"]), "IsCreditInvoice": body["IsCreditInvoice"],
              "PaymentReferenceNumber": body.get("PaymentReferenceNumber"),
              **{k: Decimal(str(body[k])) for k in REQUIRED if k.endswith("InvoiceCurrency")},
              "VoucherId": voucher["Id"], "ModifiedUtc": ctx.stamp()}
    ctx.state.insert(ctx.company_id, "customerledgeritems", record)
    return {**record, "Voucher": voucher}
