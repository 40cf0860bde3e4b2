"""Rows of sales documents (invoice drafts, invoices, orders): validation, prices, VAT and totals.

VAT comes from the article's account coding, as in Visma (the row cannot set it), and is 0 for
reverse-charged EU business customers and customers outside the EU. Each row is rounded on its
own: amount = round(quantity × unit price × (1 − discount), 2) in the document's price basis,
VAT = round(amount × r / (1 + r), 2) with prices incl. VAT, else round(amount × r, 2). Whether
Visma rounds VAT per row or per rate is not documented; per row is inferred.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from . import validate
from .errors import invalid, not_found

CENT = Decimal("0.01")
EU = frozenset("AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split())
ROW_REQUIRED = {"draft": ("IsTextRow", "ReversedConstructionServicesVatFree"), "invoice": (),
                "order": ("LineNumber", "IsTextRow", "IsWorkCost", "EligibleForReverseChargeOnVat")}


def cents(value: Decimal) -> Decimal:
    """Rounded to the cent, half up (inferred; Visma does not document its rounding)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def includes_vat(company: dict, customer: dict) -> bool:
    """Prices incl. VAT for private persons, unless the company shows them excl. VAT."""
    return bool(customer.get("IsPrivatePerson")) and not company["settings"].get("ShowPricesExclVatPC")


def vat_free(company: dict, customer: dict, eu_third_party: bool) -> bool:
    """Reverse charge (EU business with a VAT number) and export outside the EU carry no VAT."""
    if not foreign(company, customer):
        return False
    country = customer["InvoiceCountryCode"]
    business = bool(customer.get("VatNumber")) and not customer.get("IsPrivatePerson")
    return eu_third_party or country not in EU or business


def foreign(company: dict, customer: dict) -> bool:
    """Whether the customer's invoice country is not the company's own."""
    home = company["settings"]["CountryCode"]
    return (customer.get("InvoiceCountryCode") or home) != home


def _article(company: dict, row: dict) -> dict:
    article_id = validate.guid(row, "ArticleId")
    if article_id is None:
        raise invalid("Rows.ArticleId: ArticleId is required when IsTextRow is false.")
    article = company["docs"]["articles"].get(article_id)
    if article is None:
        raise not_found("Article", article_id)
    return article


def _price(row: dict, article: dict, places: int, incl: bool, replace_zero: bool) -> Decimal:
    price = validate.number(row, "UnitPrice", places)
    if (price is None or price == 0) and row.get("ReplaceUnitPriceWhenZero", replace_zero) is not False:
        price = Decimal(str(article.get("GrossPrice" if incl else "NetPrice") or 0))
    return price or Decimal(0)


def _row(company: dict, row: dict, kind: str, context: dict) -> dict:
    if not isinstance(row, dict):
        raise invalid("Rows: Each row must be an object.")
    validate.require(row, *ROW_REQUIRED[kind])
    validate.booleans(row, "IsTextRow", "ReversedConstructionServicesVatFree", "IsWorkCost",
                      "EligibleForReverseChargeOnVat", "ReplaceUnitPriceWhenZero")
    validate.integer(row, "LineNumber", 0, 1000)
    validate.lengths(row, {"Text": 2000})
    if row.get("IsTextRow"):
        return {"LineNumber": row.get("LineNumber"), "IsTextRow": True, "Text": row.get("Text") or "",
                "AmountNoVat": 0.0, "PercentVat": 0.0, "_amount": Decimal(0), "_vat": Decimal(0)}
    article = _article(company, row)
    coding = company["docs"]["articleaccountcodings"][article["CodingId"]]
    quantity = validate.number(row, "Quantity", 4 if kind == "order" else 2, default=Decimal(1))
    discount = validate.number(row, "DiscountPercentage", 4, Decimal(0), Decimal(1), Decimal(0))
    price = _price(row, article, context["price_places"], context["incl"], context["replace_zero"])
    rate = Decimal(0) if context["vat_free"] else Decimal(str(coding["VatRatePercent"]))
    amount = cents(quantity * price * (1 - discount))
    vat = cents(amount * rate / (1 + rate)) if context["incl"] else cents(amount * rate)
    return {"LineNumber": row.get("LineNumber"), "ArticleId": article["Id"], "ArticleNumber": article["Number"],
            "IsTextRow": False, "Text": row.get("Text") or article["Name"], "UnitPrice": price,
            "DiscountPercentage": discount, "Quantity": quantity, "VatRateId": coding["Id"],
            "UnitId": article["UnitId"], "UnitName": article.get("UnitName"),
            "UnitAbbreviation": article.get("UnitAbbreviation"),
            "ReversedConstructionServicesVatFree": bool(row.get("ReversedConstructionServicesVatFree")),
            "AmountNoVat": amount - vat if context["incl"] else amount, "PercentVat": rate,
            "_amount": amount, "_vat": vat}


def _flags(row: dict, kind: str, number: int) -> dict:
    """What the swagger's row answer requires besides the priced fields: order rows keep their work-cost
    and reverse-charge flags, and a row sent without a line number gets its position (inferred)."""
    flags = {"LineNumber": row["LineNumber"] if row.get("LineNumber") is not None else number}
    if kind == "order":
        flags.update(IsWorkCost=bool(row.get("IsWorkCost")),
                     EligibleForReverseChargeOnVat=bool(row.get("EligibleForReverseChargeOnVat")))
    return flags


def rows(company: dict, customer: dict, body: dict, kind: str) -> tuple[list[dict], dict]:
    """Validated, priced rows and the document totals (incl. VAT, VAT, and in the price basis)."""
    raw = body.get("Rows") or []
    if not isinstance(raw, list):
        raise invalid("Rows: Must be a list.")
    context = {"incl": includes_vat(company, customer), "replace_zero": body.get("ReplaceUnitPriceWhenZero", True),
               "price_places": 4 if foreign(company, customer) and kind == "draft" else 2,
               "vat_free": vat_free(company, customer, bool(body.get("EuThirdParty")))}
    built = [{**_row(company, row, kind, context), **_flags(row, kind, number)} for number, row in enumerate(raw, 1)]
    amount = sum((r.pop("_amount") for r in built), Decimal(0))
    vat = sum((r.pop("_vat") for r in built), Decimal(0))
    total = amount if context["incl"] else amount + vat
    return built, {"TotalAmount": total, "TotalVatAmount": vat, "TotalRoundings": Decimal(0),
                   "Amount": amount, "IncludesVat": context["incl"]}
