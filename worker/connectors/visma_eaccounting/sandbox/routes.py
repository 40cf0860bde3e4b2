"""Which handler serves which path of API v2, and the scope each collection needs (from the swagger)."""
from __future__ import annotations

import copy

from . import books, documents, ledger, listing, sales
from .context import Ctx
from .errors import VismaError, invalid, not_found

# collection -> scope areas any of which allows it (reads also accept "<area>_readonly").
SCOPES = {
    "customers": ("sales",), "articles": ("sales",), "articleaccountcodings": ("sales",), "units": ("sales",),
    "companysettings": ("sales",), "customerinvoicedrafts": ("sales",), "customerinvoices": ("sales",),
    "orders": ("sales",), "termsofpayments": ("sales", "purchase"), "fiscalyears": ("sales", "accounting"),
    "vatcodes": ("accounting",), "accounts": ("accounting",), "vouchers": ("accounting",),
    "customerledgeritems": ("sales",),
}
CREATE = {"customers": sales.post_customer, "articles": sales.post_article,
          "customerinvoicedrafts": documents.post_draft, "customerinvoices": documents.post_invoice,
          "orders": documents.post_order, "vouchers": books.post_voucher,
          "customerledgeritems/customerledgeritemswithvoucher": ledger.post_with_voucher}


def allowed(collection: str, method: str, scopes: list[str]) -> bool:
    """Whether the token's scopes open this collection for this method."""
    areas = SCOPES[collection]
    wanted = {f"ea:{a}" for a in areas} | ({f"ea:{a}_readonly" for a in areas} if method == "GET" else set())
    return bool(wanted & set(scopes))


def _listed(ctx: Ctx, records) -> dict:
    return listing.page(copy.deepcopy(list(records)), ctx.args, ctx.state.page_size, ctx.now)


def _one(records: dict, key: str, what: str) -> dict:
    record = records.get(key.lower())
    if record is None:
        raise not_found(what, key, 404)
    return copy.deepcopy(record)


def _accounts(ctx: Ctx, parts: list[str]):
    year = books.year_by_id(ctx, parts[0]) if parts else books.fiscal_year(ctx, ctx.today())
    rows = books.accounts(ctx, year)
    if len(parts) < 2:
        return _listed(ctx, rows)
    found = [row for row in rows if row["Number"] == parts[1]]
    if not found:
        raise VismaError(3002, f"Account {parts[1]} does not exist in the fiscal year.", 404)
    return found[0]


def _vouchers(ctx: Ctx, parts: list[str]):
    rows = list(ctx.docs("vouchers").values())
    if parts:
        year = books.year_by_id(ctx, parts[0])
        rows = [row for row in rows if row["FiscalYearId"] == year["Id"]]
    if len(parts) < 2:
        return _listed(ctx, rows)
    return _one({row["Id"]: row for row in rows}, parts[1], "Voucher")


def get(ctx: Ctx, collection: str, parts: list[str]):
    """Any GET: a list, one record, or the company settings."""
    if collection == "companysettings":
        return copy.deepcopy(ctx.company["settings"])
    if collection == "accounts":
        return _accounts(ctx, parts)
    if collection == "vouchers":
        return _vouchers(ctx, parts)
    if len(parts) > 1:
        raise VismaError(3000, "No HTTP resource was found that matches the request URI.", 404)
    records = ctx.docs(collection)
    return _one(records, parts[0], collection.rstrip("s").capitalize()) if parts else _listed(ctx, records.values())


def post(ctx: Ctx, collection: str, parts: list[str], body) -> dict:
    """Any POST: create one record."""
    if collection == "customerinvoicedrafts" and len(parts) == 2 and parts[1].lower() == "convert":
        return copy.deepcopy(documents.convert_draft(ctx, parts[0]))
    handler = CREATE.get("/".join([collection, *parts]))
    if handler is None:
        raise VismaError(3000, "The requested resource does not support http method 'POST'.", 405)
    if not isinstance(body, dict):
        raise invalid("The request body must be a JSON object.")
    return copy.deepcopy(handler(ctx, body))


def put(ctx: Ctx, collection: str, parts: list[str], body) -> dict:
    """PUT /v2/customers/{id} (what the merchant's edits in eAccounting amount to, for the delta sync)."""
    if collection != "customers" or len(parts) != 1:
        raise VismaError(3000, "The requested resource does not support http method 'PUT'.", 405)
    if not isinstance(body, dict):
        raise invalid("The request body must be a JSON object.")
    return copy.deepcopy(sales.put_customer(ctx, parts[0], body))


def delete(ctx: Ctx, collection: str, parts: list[str]) -> None:
    """DELETE /v2/customers/{id}."""
    if collection != "customers" or len(parts) != 1:
        raise VismaError(3000, "The requested resource does not support http method 'DELETE'.", 405)
    sales.delete_customer(ctx, parts[0])
