"""Checking and storing a journal transaction (targets.md §5.4, §5.7 items 4-6)."""
from __future__ import annotations

import re
from decimal import Decimal

from . import errors
from .errors import VismaNetError, invalid

_PERIOD = re.compile(r"^\d{6}$")
CENT = Decimal("0.01")


def value(body: dict, name: str, strict: bool, required: bool = False):
    """The field's value: ``{"value": x}`` (a bare value only when the sandbox is not strict)."""
    if name not in body or body[name] is None:
        if required:
            raise invalid(f"'{name}' is required.")
        return None
    field = body[name]
    if isinstance(field, dict) and set(field) == {"value"}:
        return field["value"]
    if strict:
        raise invalid(f"'{name}' must be sent as {{\"value\": ...}}.")
    return field


def _period(company: dict, body: dict, strict: bool) -> str:
    period = str(value(body, "financialPeriod", strict, required=True))
    if not _PERIOD.match(period):
        raise invalid(f"Financial period '{period}' is not in the format YYYYMM.")
    known = company["periods"].get(period)
    if known is None:
        raise VismaNetError(400, errors.PERIOD_UNKNOWN, period)
    if known["closed"]:
        raise VismaNetError(400, errors.PERIOD_CLOSED, period)
    return period


def _subaccount(company: dict, line: dict) -> list:
    segments = {s["segmentId"]: s for s in company["segments"]}
    parts = line.get("subaccount") or []
    for part in parts:
        segment = segments.get(part.get("segmentId"))
        if segment is None or str(part.get("segmentValue")) not in segment["values"]:
            raise invalid(f"Subaccount segment {part.get('segmentId')} value '{part.get('segmentValue')}' "
                          "cannot be found in the system.")
    return parts


def _line(company: dict, line: dict, number: int, strict: bool) -> dict:
    if line.get("operation") != "Insert":
        raise invalid(f"Line {number}: operation must be 'Insert' when creating a transaction.")
    account = str(value(line, "accountNumber", strict, required=True))
    known = company["accounts"].get(account)
    if known is None:
        raise VismaNetError(400, errors.ACCOUNT_MISSING, account)
    if not known["active"]:
        raise VismaNetError(400, errors.ACCOUNT_INACTIVE, account)
    debit = Decimal(str(value(line, "debitAmountInCurrency", strict) or 0))
    credit = Decimal(str(value(line, "creditAmountInCurrency", strict) or 0))
    if debit > 0 and credit > 0:
        raise invalid(f"Line {number}: a line cannot have both a debit and a credit amount.")
    if value(line, "vatCodeId", strict) or value(line, "vatId", strict):
        raise invalid(f"TaxID '{value(line, 'vatCodeId', strict) or value(line, 'vatId', strict)}' cannot be found in the system.")
    return {"lineNumber": value(line, "lineNumber", strict) or number, "accountNumber": account,
            "subaccount": _subaccount(company, line), "debitAmount": debit, "creditAmount": credit,
            "transactionDescription": value(line, "transactionDescription", strict) or "",
            "referenceNumber": value(line, "referenceNumber", strict) or ""}


def check(company: dict, body, strict: bool) -> dict:
    """The transaction as it would be stored (without its batch number); VismaNetError when refused."""
    if not isinstance(body, dict):
        raise invalid("The request body must be a JSON object.")
    date = value(body, "transactionDate", strict, required=True)
    period = _period(company, body, strict)
    raw_lines = body.get("journalTransactionLines") or []
    if len(raw_lines) < 2:
        raise invalid("A journal transaction needs at least two lines.")
    lines = [_line(company, line, n, strict) for n, line in enumerate(raw_lines, 1)]
    debit, credit = sum(l["debitAmount"] for l in lines), sum(l["creditAmount"] for l in lines)
    hold = bool(value(body, "hold", strict))
    if abs(debit - credit) >= CENT and not hold:  # inferred: an unbalanced batch is only accepted on hold
        raise invalid(f"The transaction is not balanced: debit {debit}, credit {credit}.")
    return {"status": "Hold" if hold else "Balanced", "module": "ModuleGL", "financialPeriod": period,
            "transactionDate": date, "description": value(body, "description", strict) or "",
            "debitTotal": debit, "creditTotal": credit, "journalTransactionLines": lines}
