"""The MyOnlineStore Connect API as the sandbox serves it (sources.md §2.8), under /v1 and /v2-beta."""
from __future__ import annotations

import copy
import datetime as dt

from flask import Blueprint, current_app, g, jsonify, request

bp = Blueprint("mijnwebwinkel_api", __name__, url_prefix="/<any('v1', 'v2-beta'):version>")
MAX_LIMIT, DEFAULT_LIMIT = 100, 10


def state():
    return current_app.extensions["mijnwebwinkel_sandbox"]


def error(status: int, message: str, description: str = "", headers: dict | None = None):
    """The vendor's Error shape: ``{code, message, description}``."""
    response = jsonify({"code": status, "message": message, "description": description})
    response.status_code = status
    response.headers.update(headers or {})
    return response


@bp.url_value_preprocessor
def drop_version(endpoint, values):
    values.pop("version", None)


@bp.before_request
def authenticate():
    """Both query tokens are required; the store token must belong to that partner, be active and current."""
    token, partner = request.args.get("token", ""), request.args.get("partner_token", "")
    if not token or not partner:
        return error(401, "Unauthorized", "Both token and partner_token are required")
    sandbox = state()
    store = sandbox.stores.get(token)
    if partner not in sandbox.partners:
        return error(401, "Unauthorized", "Invalid partner token")
    if store is None:
        return error(401, "Unauthorized", "Invalid token")
    if store.partner_token != partner:
        return error(403, "Forbidden", "This token was not issued to this partner")
    if not store.active or (store.expires_at is not None and store.expires_at <= sandbox.clock.now()):
        return error(403, "Forbidden", "This token is inactive or expired")
    wait = sandbox.take(partner, token)
    if wait:
        return error(429, "Too Many Requests", f"Rate limit exceeded, retry in {wait} seconds",
                     {"Retry-After": str(wait)})
    g.store = store


def _flag(name: str) -> bool | None:
    value = request.args.get(name)
    return None if value is None else value.lower() in ("1", "true")


def _moment(name: str) -> str | None:
    """A ``yyyy-mm-dd hh:mm:ss`` filter, kept as text (it sorts like the time it names); 400 when malformed."""
    value = request.args.get(name)
    if value is None:
        return None
    try:
        dt.datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        raise BadFilter(f"{name} must be formatted yyyy-mm-dd hh:mm:ss") from None
    return value


class BadFilter(ValueError):
    """A query parameter the API refuses."""


def _matches(order: dict, number: int) -> bool:
    store, args = g.store, request.args
    if number in store.test_numbers and not _flag("test"):
        return False
    changed = f"{order.get('status_changed_date')} {order.get('status_changed_time')}"
    since, until = _moment("status_changed_start_date"), _moment("status_changed_end_date")
    checks = [
        since is None or changed >= since, until is None or changed <= until,
        args.get("start_date") is None or order["date"] >= args["start_date"],
        args.get("end_date") is None or order["date"] <= args["end_date"],
        args.get("status_id") is None or str(order["status"]) == args["status_id"],
        _flag("archived") is None or bool(order.get("archived")) == _flag("archived"),
        args.get("debtor_email") is None or order["debtor"].get("email") == args["debtor_email"],
    ]
    return all(checks)


def _selected() -> list[dict]:
    numbers = sorted(g.store.orders, reverse=request.args.get("ordering") == "desc")
    return [g.store.orders[n] for n in numbers if _matches(g.store.orders[n], n)]


@bp.get("/orders")
def list_orders():
    """A bare array, ordered by order number, paged by offset/limit (limit capped at 100)."""
    try:
        limit = min(int(request.args.get("limit", DEFAULT_LIMIT)), MAX_LIMIT)
        offset = int(request.args.get("offset", 0))
        with state().lock:
            rows = _selected()[offset:offset + limit] if limit > 0 and offset >= 0 else None
            rows = copy.deepcopy(rows)
    except (ValueError, BadFilter) as exc:
        return error(400, "Bad Request", str(exc) or "limit and offset must be integers")
    if rows is None:
        return error(400, "Bad Request", "limit must be positive and offset not negative")
    return jsonify(rows)


@bp.get("/orders/count")
def count_orders():
    """``{"count": n}`` with the same filters."""
    try:
        with state().lock:
            return jsonify({"count": len(_selected())})
    except BadFilter as exc:
        return error(400, "Bad Request", str(exc))


@bp.get("/orders/<int:number>")
def get_order(number: int):
    """One order by number (404 in the vendor's Error shape when the store has none)."""
    with state().lock:
        order = g.store.orders.get(number)
        if order is None:
            return error(404, "Not Found", f"Order {number} not found")
        return jsonify(copy.deepcopy(order))


@bp.patch("/orders/<int:number>")
def patch_order(number: int):
    """Change ``status`` and/or ``archived``."""
    body = request.get_json(silent=True) or {}
    with state().lock:
        if number not in g.store.orders:
            return error(404, "Not Found", f"Order {number} not found")
        if "status" in body:
            if body["status"] not in [s[0] for s in g.store.statuses]:
                return error(400, "Bad Request", f"Unknown status {body['status']}")
            state().set_status(g.store.token, number, body["status"])
        if "archived" in body:
            g.store.orders[number]["archived"] = bool(body["archived"])
        return jsonify(copy.deepcopy(g.store.orders[number]))


@bp.post("/orders/credit")
def credit_order():
    """Credit the whole of an order (``{"order_number": n}``)."""
    number = (request.get_json(silent=True) or {}).get("order_number")
    if number not in g.store.orders:
        return error(404, "Not Found", f"Order {number} not found")
    return jsonify(state().credit(g.store.token, number)), 201


@bp.get("/orderstatuses")
def order_statuses():
    """The store's statuses, described in the requested language."""
    dutch = request.args.get("language", "nl_NL").startswith("nl")
    return jsonify([{"status": s[0], "description": s[1] if dutch else s[2], "credit_order": s[3]}
                    for s in g.store.statuses])


@bp.get("/store")
def store_info():
    """The store's settings."""
    store = g.store
    return jsonify({"id": "e5fc33df-b2bf-40ec-8d8d-56fc34b495cc", "name": store.name, "open": True,
                    "version": "Premium", "currency": "EUR", "prices_include_tax": store.prices_include_tax,
                    "default_language": "nl_NL", "available_business_models": "ALL",
                    "region_code": store.region_code})
