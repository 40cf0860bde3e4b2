"""Building stored order and invoice lines: item, ledger and VAT code resolution, amounts."""
from __future__ import annotations

from decimal import Decimal

from .convert import new_guid
from .convert import to_decimal
from .errors import mandatory
from .payload import Ctx
from .payload import find_code
from .seed import DEFAULT_REVENUE
from .totals import as_money
from .totals import priced_line
from .totals import sums

DEFAULT_VAT_CODE = "1  "


def line_vat_code(ctx: Ctx, line: dict, item: dict | None) -> dict | None:
    """The VAT code of a line: the posted one (which must exist), else the item's, else the default."""
    if line.get("VATCode"):
        return ctx.by_code("VATCodes", "VATCode", line["VATCode"])
    fallback = (item or {}).get("SalesVatCode") or DEFAULT_VAT_CODE
    return find_code(ctx.docs("VATCodes"), fallback)


def revenue_account(ctx: Ctx, line: dict, item: dict) -> dict:
    """The posted GLAccount (must exist), else the item's GLRevenue, else the default revenue account."""
    if line.get("GLAccount"):
        return ctx.ref("GLAccounts", "GLAccount", line["GLAccount"])
    if item.get("GLRevenue") and item["GLRevenue"] in ctx.docs("GLAccounts"):
        return ctx.docs("GLAccounts")[item["GLRevenue"]]
    return find_code(ctx.docs("GLAccounts"), DEFAULT_REVENUE)


def build_lines(ctx: Ctx, lines: list[dict], parent_field: str, parent_key: str, invoice: bool):
    """Stored lines plus (total net, total VAT). Invoice lines get a GL account; order lines do not."""
    built, pairs = [], []
    for number, line in enumerate(lines, start=1):
        if not line.get("Item"):
            raise mandatory("Item")
        item = ctx.ref("Items", "Item", line["Item"])
        vat = line_vat_code(ctx, line, item)
        net, vat_amount = priced_line(line, vat)
        pairs.append((net, vat_amount))
        record = _line_record(ctx, line, item, vat, number, (net, vat_amount))
        record[parent_field] = parent_key
        if invoice:
            gl = revenue_account(ctx, line, item)
            record.update(GLAccount=gl["ID"], GLAccountDescription=gl["Description"],
                          VATAmountDC=record.pop("VATAmount"), VATAmountFC=as_money(vat_amount))
        built.append(record)
    return built, sums(pairs)


def _line_record(ctx: Ctx, line: dict, item: dict, vat: dict | None, number: int, amounts) -> dict:
    net, vat_amount = amounts
    quantity = 1.0 if line.get("Quantity") is None else line["Quantity"]
    discount = line.get("Discount") or 0.0
    price = line.get("UnitPrice")
    if price is None:
        price = as_money(net / to_decimal(quantity)) if to_decimal(quantity) else 0.0
    return {
        **line,
        "ID": new_guid(), "LineNumber": number, "Division": ctx.division,
        "Item": item["ID"], "ItemCode": item["Code"], "ItemDescription": item["Description"],
        "Description": line.get("Description") or item["Description"],
        "Quantity": quantity, "UnitPrice": price, "Discount": discount,
        "NetPrice": as_money(to_decimal(price) * (1 - to_decimal(discount))),
        "UnitCode": line.get("UnitCode") or item.get("Unit"),
        "VATCode": vat["Code"] if vat else None,
        "VATCodeDescription": vat["Description"] if vat else None,
        "VATPercentage": vat["Percentage"] if vat else 0.0,
        "AmountFC": as_money(net), "AmountDC": as_money(net), "VATAmount": as_money(vat_amount),
    }


def header_totals(net: Decimal, vat: Decimal) -> dict:
    """Document totals as Exact names them: AmountDC/AmountFC include VAT."""
    return {"AmountDC": as_money(net + vat), "AmountFC": as_money(net + vat),
            "AmountFCExclVat": as_money(net)}
