"""Customers and articles: POST validation and creation as Visma does it (targets.md §2.9 items 4-5)."""
from __future__ import annotations

import re
from decimal import Decimal

from . import validate
from .context import Ctx
from .errors import VismaError, invalid, not_found

CUSTOMER_LENGTHS = {
    "Name": 50, "InvoiceCity": 50, "InvoicePostalCode": 10, "CustomerNumber": 16, "EmailAddress": 255,
    "InvoiceAddress1": 50, "InvoiceAddress2": 50, "InvoiceCountryCode": 2, "CurrencyCode": 3, "VatNumber": 20,
    "CorporateIdentityNumber": 20, "Telephone": 50, "MobilePhone": 50, "DeliveryCustomerName": 100,
    "DeliveryAddress1": 50, "DeliveryAddress2": 50, "DeliveryCity": 50, "DeliveryPostalCode": 10,
    "DeliveryCountryCode": 2, "Note": 4000, "SalesDocumentLanguage": 2, "ContactPersonEmail": 255}
VAT_NUMBER = re.compile(r"^[A-Z]{2}\d{8,12}")
PRICE_LIMIT = Decimal(10_000_000)


def _customer_number(ctx: Ctx, body: dict) -> str:
    taken = {c.get("CustomerNumber") for c in ctx.docs("customers").values()}
    if body.get("CustomerNumber"):
        if str(body["CustomerNumber"]) in taken:
            raise VismaError(4000, f"A customer with number {body['CustomerNumber']} already exists.")
        return str(body["CustomerNumber"])
    number = str(ctx.state.next_number(ctx.company_id, "customer", 1))
    while number in taken:  # skip numbers a user typed in by hand
        number = str(ctx.state.next_number(ctx.company_id, "customer", 1))
    return number


def post_customer(ctx: Ctx, body: dict) -> dict:
    """POST /v2/customers."""
    validate.require(body, "Name", "InvoiceCity", "InvoicePostalCode", "TermsOfPaymentId", "IsPrivatePerson",
                     "IsActive")
    validate.booleans(body, "IsPrivatePerson", "IsActive", "ReverseChargeOnConstructionServices")
    validate.lengths(body, CUSTOMER_LENGTHS)
    validate.number(body, "DiscountPercentage", 4, Decimal(0), Decimal(1))
    if body.get("VatNumber") and not VAT_NUMBER.match(str(body["VatNumber"])):
        raise invalid("VatNumber: Format: 2 character country code followed by 8-12 numbers.")
    if body.get("ReverseChargeOnConstructionServices") and not body.get("VatNumber"):
        raise invalid("VatNumber: VatNumber is required when ReverseChargeOnConstructionServices is true.")
    terms = ctx.docs("termsofpayments").get(validate.guid(body, "TermsOfPaymentId"))
    if terms is None:
        raise not_found("TermsOfPayment", body["TermsOfPaymentId"])
    settings = ctx.company["settings"]
    record = {**{k: body.get(k) for k in CUSTOMER_LENGTHS}, "Id": ctx.new_id(),
              "CustomerNumber": _customer_number(ctx, body), "TermsOfPaymentId": terms["Id"],
              "TermsOfPayment": terms, "IsPrivatePerson": body["IsPrivatePerson"], "IsActive": body["IsActive"],
              "InvoiceCountryCode": body.get("InvoiceCountryCode") or settings["CountryCode"],
              "CurrencyCode": body.get("CurrencyCode") or settings["CurrencyCode"],
              "ReverseChargeOnConstructionServices": bool(body.get("ReverseChargeOnConstructionServices")),
              "ChangedUtc": ctx.stamp()}
    return ctx.state.insert(ctx.company_id, "customers", record)


def _prices_agree(net: Decimal, gross: Decimal, rate: Decimal) -> bool:
    """GrossPrice = NetPrice × (1 + rate), allowing either price to be the rounded one (inferred)."""
    cent = Decimal("0.01")
    return abs(net * (1 + rate) - gross) <= cent / 2 or abs(gross / (1 + rate) - net) <= cent / 2


def _complete_prices(net: Decimal | None, gross: Decimal | None, rate: Decimal) -> tuple[Decimal, Decimal]:
    """The missing one of the two prices from the other (both 0 when neither is given)."""
    cent = Decimal("0.01")
    if net is None:
        net = (gross / (1 + rate)).quantize(cent) if gross is not None else Decimal(0)
    if gross is None:
        gross = (net * (1 + rate)).quantize(cent)
    return net, gross


def post_article(ctx: Ctx, body: dict) -> dict:
    """POST /v2/articles."""
    validate.require(body, "IsActive", "Number", "Name", "CodingId", "UnitId")
    validate.booleans(body, "IsActive", "IsStock", "SendToWebshop")
    validate.lengths(body, {"Number": 40, "Name": 50, "NameEnglish": 50})
    net = validate.number(body, "NetPrice", 2, Decimal(0), PRICE_LIMIT)
    gross = validate.number(body, "GrossPrice", 2, Decimal(0), PRICE_LIMIT)
    coding = ctx.docs("articleaccountcodings").get(validate.guid(body, "CodingId"))
    if coding is None:
        raise not_found("ArticleAccountCoding", body["CodingId"])
    unit = ctx.docs("units").get(validate.guid(body, "UnitId"))
    if unit is None:
        raise not_found("Unit", body["UnitId"])
    rate = Decimal(str(coding["VatRatePercent"]))
    if net is not None and gross is not None and not _prices_agree(net, gross, rate):
        raise invalid(f"GrossPrice: GrossPrice {gross} does not match NetPrice {net} "
                      f"with VAT rate {coding['VatRate']}.")
    if any(a["Number"] == str(body["Number"]) for a in ctx.docs("articles").values()):
        raise VismaError(4000, f"An article with number {body['Number']} already exists.")
    net, gross = _complete_prices(net, gross, rate)
    record = {"Id": ctx.new_id(), "IsActive": body["IsActive"], "Number": str(body["Number"]),
              "Name": body["Name"], "NameEnglish": body.get("NameEnglish"), "NetPrice": net, "GrossPrice": gross,
              "CodingId": coding["Id"], "CodingName": coding["Name"], "UnitId": unit["Id"],
              "UnitName": unit["Name"], "UnitAbbreviation": unit["Abbreviation"], "StockBalance": 0,
              "ChangedUtc": ctx.stamp()}
    return ctx.state.insert(ctx.company_id, "articles", record)


def put_customer(ctx: Ctx, customer_id: str, body: dict) -> dict:
    """PUT /v2/customers/{id}: the merchant changed the customer; ``ChangedUtc`` moves on (the delta sync reads it)."""
    record = _existing(ctx, "customers", customer_id, "Customer")
    validate.booleans(body, "IsPrivatePerson", "IsActive")
    validate.lengths(body, CUSTOMER_LENGTHS)
    record.update({k: v for k, v in body.items() if k in CUSTOMER_LENGTHS or k in ("IsPrivatePerson", "IsActive")},
                  ChangedUtc=ctx.stamp())
    return record


def delete_customer(ctx: Ctx, customer_id: str) -> dict:
    """DELETE /v2/customers/{id}: gone; documents naming it are refused with a 3000 from then on."""
    _existing(ctx, "customers", customer_id, "Customer")
    return ctx.docs("customers").pop(customer_id.lower())


def _existing(ctx: Ctx, collection: str, record_id: str, what: str) -> dict:
    record = ctx.docs(collection).get(record_id.lower())
    if record is None:
        raise not_found(what, record_id, 404)
    return record
