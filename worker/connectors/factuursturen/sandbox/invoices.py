"""Invoices: POST validation, totals, saved drafts, payments (targets.md §4.4 and §4.7.3-5).

Totals (inferred; Factuursturen documents no rule): each line is ``amount`` × ``price`` less
``discount_pct``, rounded half up to the cent, in the client's basis (``taxtype`` intax: prices
incl. VAT, extax: excl.). VAT is computed once per rate over the sum of that rate's lines, half up.
"""
from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from . import clients
from .wire import FsError

CENT = Decimal("0.01")
ACTIONS = ("send", "save", "repeat")
SENDMETHODS = ("mail", "email", "printcenter")
LINE_FIELDS = ("amount", "amount_desc", "price", "tax_rate", "discount_pct", "tax_country", "type")


def _number(value, what: str) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise FsError(400, f"{what} must be a number.") from None


def _lines(body: dict, rates: set[Decimal]) -> list[dict]:
    lines = body.get("lines")
    if isinstance(lines, dict):  # an object keyed "1".."n" (the .NET client) or an array (the docs)
        lines = [lines[key] for key in sorted(lines, key=lambda k: (len(str(k)), str(k)))]
    if not isinstance(lines, list) or not lines:
        raise FsError(400, "An invoice needs at least one line.")
    checked = []
    for index, line in enumerate(lines, 1):
        if not isinstance(line, dict):
            raise FsError(400, f"Line {index} is not a line.")
        if not any(key in line for key in LINE_FIELDS):  # a text line: only a description
            checked.append({"description": str(line.get("description") or "")})
            continue
        if "price" not in line or "tax_rate" not in line:
            raise FsError(400, f"Line {index} needs a price and a tax_rate (a text line has only a description).")
        rate = _number(line["tax_rate"], f"tax_rate of line {index}")
        if rate not in rates:
            raise FsError(400, f"tax_rate {line['tax_rate']} of line {index} is not one of your tax rates.")
        checked.append({"amount": _number(line.get("amount", 1), f"amount of line {index}"),
                        "description": str(line.get("description") or ""), "tax_rate": rate,
                        "price": _number(line["price"], f"price of line {index}"),
                        "discount_pct": _number(line.get("discount_pct") or 0, f"discount_pct of line {index}")})
    return checked


def totals(lines: list[dict], incl: bool) -> dict:
    """Line totals, VAT per rate and the invoice totals, by the rule in the module's docstring."""
    by_rate: dict[Decimal, Decimal] = {}
    for line in lines:
        if "price" in line:
            net = line["amount"] * line["price"] * (1 - line["discount_pct"] / 100)
            line["linetotal"] = net.quantize(CENT, ROUND_HALF_UP)
            by_rate[line["tax_rate"]] = by_rate.get(line["tax_rate"], Decimal("0.00")) + line["linetotal"]
    taxes, tax, total = [], Decimal("0.00"), Decimal("0.00")
    for rate, amount in sorted(by_rate.items()):
        share = amount * rate / (100 + rate) if incl else amount * rate / 100
        vat = share.quantize(CENT, ROUND_HALF_UP)
        taxes.append({"rate": rate, "sum": vat, "sum_of": amount - vat if incl else amount})
        tax += vat
        total += amount if incl else amount + vat
    return {"taxes": taxes, "tax": tax, "totalintax": total}


def _client(account: dict, body: dict) -> dict:
    if body.get("clientnr") not in (None, ""):
        client = account["clients"].get(str(body["clientnr"]).strip())
        if client is None:
            raise FsError(400, f"Client {body['clientnr']} does not exist.")
        return client
    if body.get("company") or body.get("contact"):
        return clients.check(body)  # inline client data
    raise FsError(400, "clientnr is required (or the client's details on the invoice).")


def _check_action(account: dict, body: dict, client: dict) -> str:
    action = body.get("action")
    if action not in ACTIONS:
        raise FsError(400, "action is required and must be send, save or repeat.")
    if action == "send":
        if body.get("sendmethod") not in SENDMETHODS:
            raise FsError(400, "sendmethod is required when action is send (mail, email or printcenter).")
        if body["sendmethod"] == "email" and not client.get("email"):
            raise FsError(400, "The client has no e-mail address to send the invoice to.")
    else:
        name = str(body.get("savename") or "").strip()
        if not name:
            raise FsError(400, "savename is required when action is save or repeat.")
        if name in account["saved"] and body.get("overwrite_if_exist") not in (True, "true", 1, "1"):
            raise FsError(400, f"An invoice is already saved as '{name}'.")
    if action == "repeat" and not (body.get("initialdate") and body.get("finalsenddate")):
        raise FsError(400, "initialdate and finalsenddate are required when action is repeat.")
    if body.get("discounttype") not in (None, "", "amount", "percentage"):
        raise FsError(400, "discounttype must be amount or percentage.")
    return action


def create(state, username: str, body: dict, today: dt.date) -> str:
    """POST invoices: validate, store (sent, or saved only), answer the invoice number."""
    if not isinstance(body, dict):
        raise FsError(400, "The request body must be an invoice.")
    account = state.accounts[username]
    client = _client(account, body)
    action = _check_action(account, body, client)
    lines = _lines(body, {Decimal(str(t["percentage"])) for t in account["taxes"]})
    number = _invoice_number(state, username, body, today)
    invoice = {"invoicenr": number, "invoicenr_full": number, "clientnr": client.get("clientnr"),
               "reference": body.get("reference") or {}, "lines": lines, "profile": body.get("profile"),
               "category": body.get("category"), "tax_type": client.get("taxtype", "extax"),
               "tax_shifted": bool(client.get("tax_shifted")), "company": client.get("company"),
               "contact": client.get("contact"), "email": client.get("email"),
               **totals(lines, client.get("taxtype", "extax") == "intax")}
    invoice.update(open=invoice["totalintax"], paiddate=None, sent=today.isoformat(), action=action)
    if action == "save":
        account["saved"][body["savename"]] = invoice  # not listed under invoices (§4.4)
    else:
        account["invoices"][number] = invoice
    state.count_post(username, "invoices")
    return number


def _invoice_number(state, username: str, body: dict, today: dt.date) -> str:
    wanted = body.get("invoicenr")
    if wanted in (None, ""):
        return f"{today.year}-{state.next_number(username, 'invoice'):04d}"
    if isinstance(wanted, bool) or not str(wanted).isdigit():
        raise FsError(400, "invoicenr must be a whole number without prefix.")
    number = f"INVOICE{int(wanted):05d}"
    if number in state.accounts[username]["invoices"]:
        raise FsError(400, f"Invoice number {wanted} is already used.")
    return number


def pay(state, username: str, number: str, body: dict) -> None:
    """PUT invoices_payment/{invoicenr}: the invoice is paid (``open`` 0) on ``date``."""
    invoice = state.accounts[username]["invoices"].get(number)
    if invoice is None:
        raise FsError(404, f"Invoice {number} does not exist.")
    date = str((body or {}).get("date") or "")
    try:
        dt.date.fromisoformat(date)
    except ValueError:
        raise FsError(400, "date is required, as YYYY-MM-DD.") from None
    amount = _number(body.get("amount"), "amount") if body.get("amount") not in (None, "") else invoice["open"]
    invoice["open"] = invoice["open"] - amount  # negative: paid more than the invoice
    invoice["paiddate"] = date
    state.accounts[username]["payments"].append({"invoicenr": number, "date": date, "amount": amount})
