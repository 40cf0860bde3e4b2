"""Control endpoints (``/_sandbox``, no auth) for tests and the demo: sellers, orders over time, clock, faults."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from worker.connectors.amazon.sandbox.errors import sp_error
from worker.connectors.amazon.sandbox.render import order as render_order
from worker.sandbox_faults import FaultRule

bp = Blueprint("amazon_control", __name__, url_prefix="/_sandbox")
STATUSES = ("PENDING_AVAILABILITY", "PENDING", "UNSHIPPED", "PARTIALLY_SHIPPED", "SHIPPED", "CANCELLED", "UNFULFILLABLE")
CHANGEABLE = {"status", "invoice_status", "items", "address", "buyer", "vat_number", "business", "tax_populated"}


def state():
    return current_app.extensions["amazon_sandbox"]


def _body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


@bp.post("/sellers")
def add_seller():
    """A seller registered in marketplaces, self-authorising Koppel's app: returns the refresh token."""
    body = _body()
    token = state().add_seller(body["selling_partner_id"], set(body.get("marketplaces") or ["A1805IZSGTT6HS"]))
    return jsonify({"selling_partner_id": body["selling_partner_id"], "refresh_token": token}), 201


@bp.post("/grants/revoke")
def revoke():
    """The seller revokes the app in Seller Central: its refresh token stops working."""
    grant = state().grants.get(_body().get("refresh_token", ""))
    if grant:
        grant.revoked = True
        state().autosave()
    return jsonify({"revoked": bool(grant)})


@bp.post("/grants/age")
def age_grants():
    """Make every grant of a seller ``days`` older (the yearly re-authorisation)."""
    body = _body()
    for grant in state().grants.values():
        if grant.seller == body.get("selling_partner_id"):
            grant.authorised_at -= float(body.get("days", 0)) * 86400
    state().autosave()
    return jsonify({"ok": True})


def _record(body: dict) -> dict:
    items = []
    for n, item in enumerate(body.get("items") or [], 1):
        items.append({"orderItemId": item.get("orderItemId") or f"{n:014d}", "quantity": 1, "vat_rate": "21", **item})
    status = body.get("status", "PENDING")
    if status not in STATUSES or not items:
        raise ValueError("status must be a v2026 FulfillmentStatus and items are required")
    return {"orderId": body.get("orderId") or state().next_order_id(), "seller": body["selling_partner_id"],
            "marketplaceId": body.get("marketplaceId", "A1805IZSGTT6HS"), "status": status,
            "fulfilledBy": body.get("fulfilledBy", "MERCHANT"), "currency": body.get("currency", "EUR"),
            "business": bool(body.get("business")), "vat_number": body.get("vat_number", ""),
            "tax_populated": body.get("tax_populated", True), "invoice_status": body.get("invoice_status"),
            "associated": body.get("associated_orders") or [],  # [{orderId, associationType}]: a replacement
            "buyer": body.get("buyer") or {"buyerName": "Jan Jansen", "buyerEmail": "abc123@marketplace.amazon.nl"},
            "address": body.get("address") or {"name": "Jan Jansen", "addressLine1": "Kerkstraat 1", "city": "Utrecht",
                                               "postalCode": "3511 AB", "countryCode": "NL", "phone": "+31 6 12345678"},
            "items": items}


@bp.post("/orders")
def add_order():
    """Place an order (status PENDING unless given); it shows in searchOrders after the visibility lag."""
    try:
        record = state().put_order(_record(_body()))
    except (KeyError, ValueError) as exc:
        return sp_error(400, "InvalidInput", str(exc))
    return jsonify(render_order(record, {"FULFILLMENT", "PROCEEDS", "BUYER", "RECIPIENT", "TAX"}, True)), 201


@bp.post("/orders/<order_id>")
def change_order(order_id: str):
    """Move an order on (status, invoice status, amounts ...); its lastUpdatedTime becomes now."""
    changes = {k: v for k, v in _body().items() if k in CHANGEABLE}
    if order_id not in state().orders or changes.get("status", STATUSES[0]) not in STATUSES:
        return sp_error(404 if order_id not in state().orders else 400, "InvalidInput", "unknown order or status")
    record = state().change_order(order_id, **changes)
    return jsonify(render_order(record, {"FULFILLMENT", "PROCEEDS"}, True))


@bp.post("/clock")
def advance_clock():
    """Move the sandbox clock forward ``seconds``."""
    return jsonify({"now": state().clock.advance(float(_body().get("seconds", 0)))})


@bp.post("/settings")
def change_settings():
    """Visibility lag, usage plans (``rates: {operation: [rate, burst]}``), the app's PII roles, and
    ``page_size``: the most orders a page holds whatever ``maxResultsPerPage`` asks (Amazon's pages hold
    "up to" that many; small pages let a test page through a few orders)."""
    body = _body()
    if "lag" in body:
        state().lag = float(body["lag"])
    if "page_size" in body:
        state().page_size = int(body["page_size"]) if body["page_size"] else None
    for operation, (rate, burst) in (body.get("rates") or {}).items():
        state().rates[operation] = (float(rate), int(burst))
        state().buckets = {k: v for k, v in state().buckets.items() if k[1] != operation}
    if "pii_roles" in body:
        state().app["pii_roles"] = bool(body["pii_roles"])
    return jsonify({"lag": state().lag, "rates": state().rates})


@bp.post("/faults")
def add_fault():
    """Arm a fault (worker.sandbox_faults.FaultRule fields)."""
    state().faults.add(FaultRule(**_body()))
    return jsonify({"ok": True}), 201
