"""Fiscal years, accounts and vouchers (targets.md §2.6, §2.9 item 7)."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from . import validate
from .context import Ctx
from .errors import VismaError, invalid

AMOUNT_LIMIT = Decimal(1_000_000_000)


def fiscal_year(ctx: Ctx, day: dt.date) -> dict:
    """The fiscal year holding ``day``; 3001 when there is none."""
    for year in ctx.docs("fiscalyears").values():
        if year["StartDate"][:10] <= day.isoformat() <= year["EndDate"][:10]:
            return year
    raise VismaError(3001, f"There is no fiscal year for the date {day.isoformat()}.")


def year_by_id(ctx: Ctx, year_id: str) -> dict:
    """A fiscal year by id; 3001 (404) when unknown."""
    year = ctx.docs("fiscalyears").get(year_id.lower())
    if year is None:
        raise VismaError(3001, f"Fiscal year {year_id} does not exist.", 404)
    return year


def accounts(ctx: Ctx, year: dict) -> list[dict]:
    """The account plan of one fiscal year."""
    return [a for a in ctx.docs("accounts").values() if a["FiscalYearId"] == year["Id"]]


def _row(ctx: Ctx, year: dict, row: dict, own_vat: bool) -> dict:
    if not isinstance(row, dict):
        raise invalid("Rows: Each row must be an object.")
    validate.require(row, "AccountNumber")
    number = validate.integer(row, "AccountNumber", 1, 10**12)
    account = ctx.docs("accounts").get(f"{year['Id']}:{number}")
    if account is None:
        raise VismaError(3002, f"Account {number} does not exist in the fiscal year.")
    if account["IsBlockedForManualBooking"]:
        raise invalid(f"AccountNumber: Account {number} is blocked for manual booking.")
    validate.lengths(row, {"TransactionText": 50})
    debit = validate.number(row, "DebitAmount", 2, Decimal(0), AMOUNT_LIMIT, Decimal(0))
    credit = validate.number(row, "CreditAmount", 2, Decimal(0), AMOUNT_LIMIT, Decimal(0))
    vat_id = validate.guid(row, "VatCodeId")
    if vat_id is not None and vat_id not in ctx.docs("vatcodes"):
        raise invalid(f"VatCodeId: VAT code {vat_id} does not exist.")
    # Without useDefaultVatCodes=false the account's own VAT code replaces what was sent (§2.7).
    vat_id = vat_id if own_vat else account["VatCodeId"]
    return {"AccountNumber": number, "AccountDescription": account["Name"], "DebitAmount": debit,
            "CreditAmount": credit, "TransactionText": row.get("TransactionText"), "VatCodeId": vat_id}


def post_voucher(ctx: Ctx, body: dict) -> dict:
    """POST /v2/vouchers: balanced rows on accounts of the voucher date's fiscal year."""
    validate.require(body, "VoucherDate", "VoucherText", "Rows")
    validate.lengths(body, {"VoucherText": 100})
    if not isinstance(body["Rows"], list) or not body["Rows"]:
        raise invalid("Rows: At least one row is required.")
    day = validate.date(body, "VoucherDate")
    year = fiscal_year(ctx, day)
    own_vat = str(ctx.args.get("useDefaultVatCodes", "true")).lower() == "false"
    rows = [_row(ctx, year, row, own_vat) for row in body["Rows"]]
    debit = sum((r["DebitAmount"] for r in rows), Decimal(0))
    credit = sum((r["CreditAmount"] for r in rows), Decimal(0))
    if debit != credit:  # inferred: an unbalanced voucher is a model validation error
        raise invalid(f"Rows: The voucher is not balanced (debit {debit}, credit {credit}).")
    number = ctx.state.next_number(ctx.company_id, f"voucher:{year['Id']}", 1)
    record = {"Id": ctx.new_id(), "VoucherDate": day.isoformat(), "VoucherText": body["VoucherText"],
              "Rows": rows, "NumberAndNumberSeries": f"A{number}", "NumberSeries": "A", "VoucherType": 2,
              "FiscalYearId": year["Id"], "ModifiedUtc": ctx.stamp()}
    return ctx.state.insert(ctx.company_id, "vouchers", record)
