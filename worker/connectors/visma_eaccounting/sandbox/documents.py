"""Customer invoice drafts, customer invoices and sales orders (targets.md §2.6, §2.9 item 6)."""
from __future__ import annotations

from . import salesdoc, validate
from .context import Ctx
from .errors import invalid, not_found

_DELIVERY = ("DeliveryCustomerName", "DeliveryAddress1", "DeliveryAddress2", "DeliveryPostalCode", "DeliveryCity",
             "DeliveryCountryCode")
_LENGTHS = {"YourReference": 100, "OurReference": 100, "BuyersOrderReference": 35, "DeliveryCustomerName": 50,
            "DeliveryAddress1": 50, "DeliveryAddress2": 50, "DeliveryPostalCode": 10, "DeliveryCity": 50,
            "DeliveryCountryCode": 2}


def _customer(ctx: Ctx, body: dict) -> dict:
    customer = ctx.docs("customers").get(validate.guid(body, "CustomerId"))
    if customer is None:
        raise not_found("Customer", body["CustomerId"])
    return customer


def _from_customer(customer: dict, body: dict) -> dict:
    """Invoice name and address always come from the customer, whatever was sent (§2.9 item 6)."""
    fields = {"CustomerId": customer["Id"], "CustomerNumber": customer["CustomerNumber"],
              "CustomerIsPrivatePerson": customer["IsPrivatePerson"], "InvoiceCustomerName": customer["Name"],
              "InvoiceAddress1": customer.get("InvoiceAddress1"), "InvoiceAddress2": customer.get("InvoiceAddress2"),
              "InvoicePostalCode": customer["InvoicePostalCode"], "InvoiceCity": customer["InvoiceCity"],
              "InvoiceCountryCode": customer["InvoiceCountryCode"], "InvoiceCurrencyCode": customer["CurrencyCode"]}
    for name in _DELIVERY:
        fields[name] = body.get(name) if body.get(name) is not None else customer.get(name)
    return fields


def _header(ctx: Ctx, body: dict, required: tuple[str, ...]) -> dict:
    validate.require(body, *required)
    validate.booleans(body, "EuThirdParty", "IsCreditInvoice", "ReverseChargeOnConstructionServices")
    validate.lengths(body, _LENGTHS)
    if validate.integer(body, "RotReducedInvoicingType", 0, 2) is None:
        raise invalid("RotReducedInvoicingType: The RotReducedInvoicingType field is required.")
    return _customer(ctx, body)


def _date(ctx: Ctx, body: dict, field: str) -> str:
    return (validate.date(body, field) or ctx.today()).isoformat()


def post_draft(ctx: Ctx, body: dict) -> dict:
    """POST /v2/customerinvoicedrafts."""
    customer = _header(ctx, body, ("CustomerId", "RotReducedInvoicingType", "EuThirdParty"))
    rows, totals = salesdoc.rows(ctx.company, customer, body, "draft")
    record = {"Id": ctx.new_id(), "CreatedUtc": ctx.stamp(), **_from_customer(customer, body),
              "IsCreditInvoice": bool(body.get("IsCreditInvoice")),
              "RotReducedInvoicingType": body["RotReducedInvoicingType"], "EuThirdParty": body["EuThirdParty"],
              "YourReference": body.get("YourReference"), "OurReference": body.get("OurReference"),
              "InvoiceDate": _date(ctx, body, "InvoiceDate"),
              "DeliveryDate": body.get("DeliveryDate"), "ReverseChargeOnConstructionServices": False,
              "Rows": rows, "IncludesVat": totals["IncludesVat"], "TotalAmount": totals["TotalAmount"],
              "TotalVatAmount": totals["TotalVatAmount"], "TotalRoundings": totals["TotalRoundings"],
              "TotalAmountBaseCurrency": totals["TotalAmount"], "TotalVatAmountBaseCurrency": totals["TotalVatAmount"]}
    return ctx.state.insert(ctx.company_id, "customerinvoicedrafts", record)


def post_invoice(ctx: Ctx, body: dict) -> dict:
    """POST /v2/customerinvoices: a finished invoice with the next invoice number."""
    customer = _header(ctx, body, ("CustomerId", "EuThirdParty", "RotReducedInvoicingType", "Rows"))
    rows, totals = salesdoc.rows(ctx.company, customer, body, "invoice")
    number = ctx.state.next_number(ctx.company_id, "invoice", 1)
    total, vat = totals["TotalAmount"], totals["TotalVatAmount"]
    record = {"Id": ctx.new_id(), "CreatedUtc": ctx.stamp(), **_from_customer(customer, body),
              "InvoiceNumber": number, "EuThirdParty": body["EuThirdParty"], "CurrencyCode": customer["CurrencyCode"],
              "IsCreditInvoice": bool(body.get("IsCreditInvoice")),
              "RotReducedInvoicingType": body["RotReducedInvoicingType"], "YourReference": body.get("YourReference"),
              "OurReference": body.get("OurReference"), "InvoiceDate": _date(ctx, body, "InvoiceDate"),
              "DueDate": _date(ctx, body, "DueDate"),
              "Rows": rows, "IncludesVat": totals["IncludesVat"], "TotalAmount": total, "TotalVatAmount": vat,
              "TotalRoundings": totals["TotalRoundings"], "TotalAmountInvoiceCurrency": total,
              "TotalVatAmountInvoiceCurrency": vat, "RemainingAmount": total, "RemainingAmountInvoiceCurrency": total,
              "PaymentReferenceNumber": str(number), "TermsOfPaymentId": customer["TermsOfPaymentId"]}
    return ctx.state.insert(ctx.company_id, "customerinvoices", record)


def convert_draft(ctx: Ctx, draft_id: str) -> dict:
    """POST /v2/customerinvoicedrafts/{id}/convert: the draft becomes an invoice with the next number."""
    draft = ctx.docs("customerinvoicedrafts").pop(draft_id.lower(), None)
    if draft is None:
        raise not_found("CustomerInvoiceDraft", draft_id, 404)
    number = ctx.state.next_number(ctx.company_id, "invoice", 1)
    total, vat = draft["TotalAmount"], draft["TotalVatAmount"]
    record = {**draft, "Id": ctx.new_id(), "InvoiceNumber": number, "CurrencyCode": draft["InvoiceCurrencyCode"],
              "TotalAmountInvoiceCurrency": total, "TotalVatAmountInvoiceCurrency": vat, "RemainingAmount": total,
              "RemainingAmountInvoiceCurrency": total, "PaymentReferenceNumber": str(number)}
    return ctx.state.insert(ctx.company_id, "customerinvoices", record)


ORDER_REQUIRED = ("Amount", "CurrencyCode", "CustomerId", "CustomerIsPrivatePerson", "EuThirdParty", "InvoiceCity",
                  "InvoiceCountryCode", "InvoiceCustomerName", "InvoicePostalCode", "OrderDate",
                  "ReverseChargeOnConstructionServices", "RotReducedInvoicingType", "RoundingsAmount", "Status",
                  "VatAmount")


def post_order(ctx: Ctx, body: dict) -> dict:
    """POST /v2/orders: the swagger's required fields; amounts are recomputed from the rows (inferred)."""
    customer = _header(ctx, body, ORDER_REQUIRED)
    validate.lengths(body, {"CurrencyCode": 3, "YourReference": 50, "OurReference": 50, "InvoiceCustomerName": 50})
    validate.integer(body, "Status", 1, 4)
    validate.date(body, "OrderDate")
    for field in ("Amount", "VatAmount", "RoundingsAmount"):
        validate.number(body, field, 2)
    rows, totals = salesdoc.rows(ctx.company, customer, body, "order")
    record = {"Id": ctx.new_id(), "CreatedUtc": ctx.stamp(), **_from_customer(customer, body),
              "Number": ctx.state.next_number(ctx.company_id, "order", 1), "Status": body["Status"],
              "CurrencyCode": body["CurrencyCode"], "EuThirdParty": body["EuThirdParty"],
              "OrderDate": validate.date(body, "OrderDate").isoformat(), "YourReference": body.get("YourReference"),
              "RotReducedInvoicingType": body["RotReducedInvoicingType"], "ReverseChargeOnConstructionServices": False,
              "Rows": rows, "Amount": totals["Amount"], "VatAmount": totals["TotalVatAmount"], "RoundingsAmount": 0}
    return ctx.state.insert(ctx.company_id, "orders", record)
