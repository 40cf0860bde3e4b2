"""The REST API a KMO Shops-like platform offers (``/v1``): orders for back-fill, webhook subscriptions.

Single resources are answered bare (an order is exactly the webhook body); lists as ``{"data": [...]}``.
"""
from __future__ import annotations

from urllib.parse import urlencode
from urllib.parse import urlparse

from flask import Blueprint
from flask import current_app
from flask import g
from flask import jsonify
from flask import request

from worker.connectors.kmoshops.sandbox.clock import parse_iso
from worker.connectors.kmoshops.sandbox.contract import TOPICS
from worker.connectors.kmoshops.sandbox.errors import error
from worker.connectors.kmoshops.sandbox.generator import STATUSES

bp = Blueprint("kmoshops_api", __name__, url_prefix="/v1")
MAX_PER_PAGE = 100


def sandbox():
    """The KmoShopsState this app serves."""
    return current_app.extensions["kmoshops_sandbox"]


@bp.before_request
def authenticate():
    """Spend a rate-limit token, then map the Bearer API key to a shop (401 when none)."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    shop_id = sandbox().shop_for_key(token) if scheme.lower() == "bearer" and token else None
    # Unknown callers share a bucket per address, so guessing keys is throttled too.
    verdict = sandbox().limiter.take(f"key:{token}" if shop_id else f"ip:{request.remote_addr}")
    g.rate_headers = verdict.headers()
    if not verdict.allowed:
        return error(429, "rate_limited", f"Rate limit exceeded; retry after {verdict.retry_after} s",
                     {"retry_after": verdict.retry_after})
    if shop_id is None:
        return error(401, "unauthorized", "Missing or invalid API key",
                     headers={"WWW-Authenticate": 'Bearer realm="kmoshops"'})
    g.shop_id = shop_id


@bp.after_request
def rate_headers(response):
    """Every API response carries the X-RateLimit-* headers."""
    response.headers.update(g.get("rate_headers", {}))
    return response


@bp.get("/orders")
def list_orders():
    """Orders by updated_at then id, filtered and paged; ``links.next`` is null on the last page."""
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", 50))
    except ValueError:
        return error(422, "invalid_parameter", "page and per_page must be integers")
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        return error(422, "invalid_parameter", f"page must be >= 1 and per_page 1..{MAX_PER_PAGE}",
                     {"page": page, "per_page": per_page})
    since, status = request.args.get("updated_since"), request.args.get("status")
    try:
        since_epoch = parse_iso(since) if since else None
    except ValueError:
        return error(422, "invalid_parameter", "updated_since must be an ISO 8601 timestamp",
                     {"updated_since": since})
    if status is not None and status not in STATUSES:
        return error(422, "invalid_parameter", f"status must be one of {', '.join(STATUSES)}",
                     {"status": status})
    orders = sandbox().list_orders(g.shop_id, since_epoch, status)
    data = orders[(page - 1) * per_page: page * per_page]
    return jsonify({"data": data, "meta": {"page": page, "per_page": per_page, "total": len(orders)},
                    "links": {"next": _next_link(page, per_page) if page * per_page < len(orders) else None}})


def _next_link(page: int, per_page: int) -> str:
    # Built from the mount point, so it works behind the dev launcher's DispatcherMiddleware.
    params = {k: v for k, v in request.args.items() if k in ("updated_since", "status")}
    params.update(page=page + 1, per_page=per_page)
    return f"{request.host_url.rstrip('/')}{request.script_root}/v1/orders?{urlencode(params)}"


@bp.get("/orders/<int:order_id>")
def get_order(order_id: int):
    """One order of the caller's shop."""
    order = sandbox().get_order(g.shop_id, order_id)
    if order is None:
        return error(404, "not_found", f"Order {order_id} not found")
    return jsonify(order)


def _public(sub: dict) -> dict:
    return {k: sub[k] for k in ("id", "url", "topics", "state", "consecutive_failures", "created_at")}


@bp.get("/webhooks")
def list_webhooks():
    """The caller's webhook subscriptions, with their state (enabled/disabled)."""
    return jsonify({"data": [_public(s) for s in sandbox().subscriptions(g.shop_id)]})


@bp.post("/webhooks")
def create_webhook():
    """Subscribe a URL to some topics (all when omitted)."""
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        return error(400, "bad_request", "Body must be a JSON object")
    url, topics = body.get("url"), body.get("topics", list(TOPICS))
    parsed = urlparse(url) if isinstance(url, str) else None
    if parsed is None or parsed.scheme not in ("http", "https") or not parsed.netloc:
        return error(422, "invalid_url", "url must be an absolute http(s) URL", {"url": url})
    if not isinstance(topics, list) or not topics or not set(topics) <= set(TOPICS):
        return error(422, "invalid_topics", f"topics must be a non-empty subset of {', '.join(TOPICS)}",
                     {"topics": topics})
    sub_id = sandbox().subscribe(g.shop_id, url, topics)
    sub = next(s for s in sandbox().subscriptions(g.shop_id) if s["id"] == sub_id)
    response = jsonify(_public(sub))
    response.status_code = 201
    response.headers["Location"] = f"{request.script_root}/v1/webhooks/{sub_id}"
    return response


@bp.get("/webhooks/<sub_id>")
def get_webhook(sub_id: str):
    """One subscription of the caller's shop."""
    sub = next((s for s in sandbox().subscriptions(g.shop_id) if s["id"] == sub_id), None)
    if sub is None:
        return error(404, "not_found", f"Webhook {sub_id} not found")
    return jsonify(_public(sub))


@bp.delete("/webhooks/<sub_id>")
def delete_webhook(sub_id: str):
    """Remove a subscription; its undelivered deliveries are dropped (state failed)."""
    if not sandbox().unsubscribe(g.shop_id, sub_id):
        return error(404, "not_found", f"Webhook {sub_id} not found")
    return "", 204
