"""The sandbox's Orders API v2026-01-01: searchOrders and getOrder, with auth, validation, buckets and faults."""
from __future__ import annotations

import datetime as dt
import secrets

from flask import Blueprint, current_app, jsonify, request

from worker.connectors.amazon.sandbox import render
from worker.connectors.amazon.sandbox.errors import sp_error, throttled
from worker.connectors.amazon.sandbox.state import PAGE_TOKEN_SECONDS, iso

bp = Blueprint("amazon_sp", __name__, url_prefix="/sp/orders/2026-01-01")
INCLUDED = {"BUYER", "RECIPIENT", "PROCEEDS", "EXPENSE", "PROMOTION", "CANCELLATION", "FULFILLMENT", "PACKAGES",
            "TAX", "PAYMENT", "FULFILLMENT_ORDERS"}
DENIED = "Access to requested resource is denied."


class Invalid(Exception):
    """A 400 InvalidInput."""


def state():
    return current_app.extensions["amazon_sandbox"]


def _seller():
    """The seller of the request's access token, or an error response."""
    token = request.headers.get("x-amz-access-token")
    if not token:
        return None, sp_error(403, "MissingAuthenticationToken", DENIED)
    found = state().access.get(token)
    if found is None:
        return None, sp_error(403, "Unauthorized", DENIED, "The access token you provided is revoked, malformed or otherwise invalid.")
    if found["expires"] <= state().now():
        return None, sp_error(403, "Unauthorized", DENIED, "The access token you provided has expired.")
    return found["seller"], None


def _fault():
    rule = state().faults.take(request.method, request.path)
    if rule is None:
        return None
    if rule.mode == "hang":
        state().faults.hang(rule.hang_seconds)
        return sp_error(504, "GatewayTimeout", "Gateway timeout")
    if rule.status == 429:
        return throttled(state().rates["searchOrders" if request.path.endswith("/orders") else "getOrder"][0])
    return sp_error(rule.status or 503, "ServiceUnavailable" if (rule.status or 503) >= 500 else "InvalidInput",
                    "Injected fault", headers=rule.headers)


def _guard(operation: str):
    """Fault, auth and rate limit: an error response, or (seller, None)."""
    fault = _fault()
    if fault is not None:
        return None, fault
    seller, refused = _seller()
    if refused is not None:
        return None, refused
    if not state().take(seller, operation):
        return None, throttled(state().rates[operation][0])
    return seller, None


def _list(name: str) -> list[str]:
    return [v for raw in request.args.getlist(name) for v in raw.split(",") if v]


def _time(name: str) -> float | None:
    text = request.args.get(name)
    if text is None:
        return None
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise Invalid(f"Invalid date-time field(s) [{name}].") from None
    if moment.tzinfo is None:
        raise Invalid("timestamp must follow ISO8601")
    return moment.timestamp()


def _included() -> set[str]:
    wanted = set(_list("includedData"))
    if wanted - INCLUDED:
        raise Invalid("Invalid Input")
    return wanted


def _ok(body: dict, operation: str):
    response = jsonify(body)
    response.headers["x-amzn-RateLimit-Limit"] = str(state().rates[operation][0])
    response.headers["x-amzn-RequestId"] = secrets.token_hex(8)
    return response


@bp.get("/orders")
def search_orders():
    """searchOrders: by createdAfter or lastUpdatedAfter (exactly one), paged with paginationToken."""
    seller, refused = _guard("searchOrders")
    if refused is not None:
        return refused
    try:
        return _search(seller)
    except Invalid as exc:
        return sp_error(400, "InvalidInput", str(exc))


def _query(seller: str) -> dict:
    """The filters of a first page, checked as Amazon checks them."""
    now = state().now()
    created, updated = _time("createdAfter"), _time("lastUpdatedAfter")
    created_before, updated_before = _time("createdBefore"), _time("lastUpdatedBefore")
    if (created is None) == (updated is None) or (created is not None and (updated_before is not None)) \
            or (updated is not None and created_before is not None):
        raise Invalid("Exactly one of createdAfter and lastUpdatedAfter must be provided.")
    after, before = (created, created_before) if created is not None else (updated, updated_before)
    if before is not None and (before < after or before > now - 120):
        raise Invalid("The before date must be after the after date and at least 2 minutes before now.")
    if after > now:
        raise Invalid("The after date must not be in the future.")
    marketplaces = set(_list("marketplaceIds")) or state().sellers.get(seller, set())
    if not marketplaces <= state().sellers.get(seller, set()):
        raise Forbidden()
    return {"field": "created" if created is not None else "updated", "after": after, "before": before,
            "marketplaces": marketplaces, "statuses": set(_list("fulfillmentStatuses")), "now": now}


class Forbidden(Invalid):
    """A marketplace the seller is not registered in."""


def _matching(seller: str, q: dict) -> list[str]:
    visible_until = q["now"] - state().lag
    with state().lock:
        found = [r for r in state().orders.values() if r["seller"] == seller and r["marketplaceId"] in q["marketplaces"]
                 and r["updated"] <= visible_until and r[q["field"]] >= q["after"]
                 and (q["before"] is None or r[q["field"]] <= q["before"])
                 and (not q["statuses"] or r["status"] in q["statuses"])]
    return [r["orderId"] for r in sorted(found, key=lambda r: (r[q["field"]], r["orderId"]))]


def _search(seller: str):
    size = request.args.get("maxResultsPerPage", "100")
    if not size.isdigit() or not 1 <= int(size) <= 100:
        raise Invalid("maxResultsPerPage must be between 1 and 100.")
    included, token = _included(), request.args.get("paginationToken")
    if token:
        page = state().pages.get(token)
        if page is None or page["seller"] != seller or page["expires"] < state().now():
            raise Invalid("Invalid paginationToken.")
        ids, q = page["ids"], page["query"]
    else:
        try:
            q = _query(seller)
        except Forbidden:
            return sp_error(403, "Unauthorized", DENIED)
        ids = _matching(seller, q)
    start, size = (page["offset"] if token else 0), min(int(size), state().page_size or 100)
    chunk, rest = ids[start:start + size], ids[start + size:]
    body = {"orders": [render.order(state().orders[i], included, state().app["pii_roles"]) for i in chunk]}
    if rest:
        next_token = secrets.token_urlsafe(16)
        state().pages[next_token] = {"seller": seller, "ids": ids, "offset": start + size, "query": q,
                                     "expires": state().now() + PAGE_TOKEN_SECONDS}
        body["pagination"] = {"nextToken": next_token}
    body["lastUpdatedBefore" if q["field"] == "updated" else "createdBefore"] = iso(q["before"] or q["now"])
    state().calls.append({"operation": "searchOrders", "args": request.args.to_dict(flat=False)})
    return _ok(body, "searchOrders")


@bp.get("/orders/<order_id>")
def get_order(order_id: str):
    """getOrder: the order with its items; 404 for an order of another seller or none at all."""
    seller, refused = _guard("getOrder")
    if refused is not None:
        return refused
    try:
        included = _included()
    except Invalid as exc:
        return sp_error(400, "InvalidInput", str(exc))
    record = state().orders.get(order_id)
    if record is None or record["seller"] != seller:
        return sp_error(404, "NotFound", "The requested order was not found.")
    state().calls.append({"operation": "getOrder", "order_id": order_id})
    return _ok({"order": render.order(record, included, state().app["pii_roles"])}, "getOrder")
