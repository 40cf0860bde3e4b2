"""Control endpoints (``/_sandbox``, no auth) for the portal's demo button and out-of-process tests.

Like the API: single objects bare, lists as ``{"data": [...]}``.
"""
from __future__ import annotations

from flask import Blueprint
from flask import current_app
from flask import jsonify
from flask import request

from worker.connectors.kmoshops.sandbox import sender as sender_module
from worker.connectors.kmoshops.sandbox.catalogue import VAT_RATES
from worker.connectors.kmoshops.sandbox.errors import error

bp = Blueprint("kmoshops_control", __name__, url_prefix="/_sandbox")
MAX_BURST = 50


def sandbox():
    """The KmoShopsState this app serves."""
    return current_app.extensions["kmoshops_sandbox"]


def webhook_sender():
    """The WebhookSender whose timeout and policy replays, bursts and passes use."""
    return current_app.extensions["kmoshops_sender"]


def _body() -> dict:
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else {}


@bp.get("/shops")
def list_shops():
    """All shops, secrets included (this is the sandbox's back office)."""
    return jsonify({"data": sandbox().shops()})


@bp.post("/shops")
def create_shop():
    """Create a shop (201) or replace the keys of an existing one (200)."""
    body = _body()
    missing = [k for k in ("shop_id", "api_key", "webhook_secret")
               if not isinstance(body.get(k), str) or not body[k]]
    country = body.get("country", "BE")
    if missing or country not in VAT_RATES:
        return error(422, "invalid_shop", "shop_id, api_key and webhook_secret are required; country BE/NL",
                     {"missing": missing, "country": country})
    existed = any(s["shop_id"] == body["shop_id"] for s in sandbox().shops())
    shop = sandbox().add_shop(body["shop_id"], body["api_key"], body["webhook_secret"], country=country,
                              prices_include_vat=bool(body.get("prices_include_vat", True)))
    return jsonify(shop), 200 if existed else 201


@bp.post("/shops/<shop_id>/orders")
def create_order(shop_id: str):
    """Create an order (body optional: kind, status, overrides) and queue orders/created."""
    body = _body()
    overrides = body.get("overrides", {})
    if not isinstance(overrides, dict):
        return error(422, "invalid_order", "overrides must be an object")
    return _order_call(lambda: sandbox().create_order(shop_id, kind=body.get("kind", "b2c"),
                                                      status=body.get("status", "paid"), **overrides), 201)


@bp.patch("/shops/<shop_id>/orders/<int:order_id>")
def update_order(shop_id: str, order_id: int):
    """Replace top-level fields of an order and queue orders/updated."""
    return _order_call(lambda: sandbox().update_order(shop_id, order_id, **_body()), 200)


@bp.post("/shops/<shop_id>/orders/<int:order_id>/status")
def set_status(shop_id: str, order_id: int):
    """Change an order's status and queue orders/status_changed (and orders/cancelled)."""
    return _order_call(lambda: sandbox().set_status(shop_id, order_id, _body().get("status")), 200)


def _order_call(call, status: int):
    try:
        return jsonify(call()), status
    except KeyError as exc:
        return error(404, "not_found", str(exc.args[0]) if exc.args else "not found")
    except (TypeError, ValueError) as exc:
        return error(422, "invalid_order", str(exc))


@bp.get("/deliveries")
def list_deliveries():
    """Delivery records with their attempts, optionally of one shop."""
    return jsonify({"data": sandbox().deliveries(request.args.get("shop_id"))})


@bp.get("/deliveries/<delivery_id>")
def get_delivery(delivery_id: str):
    """One delivery record."""
    try:
        return jsonify(sandbox().delivery(delivery_id))
    except KeyError:
        return error(404, "not_found", f"Delivery {delivery_id} not found")


@bp.post("/deliveries/<delivery_id>/replay")
def replay(delivery_id: str):
    """Send a delivery again now, same Delivery-Id; answers with the attempt."""
    try:
        return jsonify(sandbox().replay(delivery_id, timeout=webhook_sender().timeout))
    except KeyError:
        return error(404, "not_found", f"Delivery {delivery_id} not found")


@bp.post("/deliveries/<delivery_id>/burst")
def burst(delivery_id: str):
    """Send one delivery N times concurrently (``{"times": 5}``); answers with the attempts."""
    times = _body().get("times", 5)
    if not isinstance(times, int) or not 1 <= times <= MAX_BURST:
        return error(422, "invalid_parameter", f"times must be an integer 1..{MAX_BURST}", {"times": times})
    try:
        attempts = sender_module.burst(sandbox(), delivery_id, times, webhook_sender().timeout)
    except KeyError:
        return error(404, "not_found", f"Delivery {delivery_id} not found")
    return jsonify({"data": attempts})


@bp.post("/deliveries/run")
def run_pass():
    """Deliver everything due now, synchronously (no need to wait for the background thread)."""
    return jsonify({"attempted": webhook_sender().deliver_due()})


@bp.get("/clock")
def clock():
    """The sandbox time in epoch seconds."""
    return jsonify({"now": sandbox().clock.now()})


@bp.post("/clock/advance")
def advance_clock():
    """Move the sandbox clock forward (``{"seconds": n}``), e.g. to bring retries due."""
    seconds = _body().get("seconds")
    if not isinstance(seconds, (int, float)) or isinstance(seconds, bool) or seconds < 0:
        return error(422, "invalid_parameter", "seconds must be a number >= 0", {"seconds": seconds})
    return jsonify({"now": sandbox().clock.advance(seconds)})
