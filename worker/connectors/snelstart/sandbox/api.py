"""The token endpoint and API v2: both keys, scopes, the quota and faults around every call (targets.md §3.8)."""
from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal

from flask import Blueprint, Response, current_app, request

from . import bookings, listing, memorial, sales
from .errors import SnelStartError, apim, bare, response
from .state import SnelStartState

bp = Blueprint("snelstart_api", __name__)
# collection -> (scope to read, scope to write, handler of POST)
COLLECTIONS = {
    "companyInfo": ("settings:read", None, None), "grootboeken": ("boekhouden:read", None, None),
    "dagboeken": ("boekhouden:read", None, None), "btwtarieven": ("boekhouden:read", None, None),
    "landen": ("relaties:read", None, None), "relaties": ("relaties:read", "relaties:write", sales.relation),
    "artikelen": ("artikelen:read", "artikelen:write", sales.article),
    "artikelomzetgroepen": ("artikelen:read", None, None),
    "verkoopboekingen": ("boekhouden:read", "boekhouden:write", bookings.create),
    "verkoopfacturen": ("orders:read", None, None), "verkooporders": ("orders:read", "orders:write", sales.order),
    "verkoopordersjablonen": ("orders:read", None, None),
    "memoriaalboekingen": ("memoriaal:read", "memoriaal:write", memorial.create),
    "grootboekmutaties": ("boekhouden:read", None, None),
}
UNPAGED = {"btwtarieven"}


def _state() -> SnelStartState:
    return current_app.config["SNELSTART_STATE"]


def _encode(value):
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(type(value).__name__)


def _json(value, status: int = 200) -> Response:
    return Response(json.dumps(value, default=_encode), status=status, mimetype="application/json")


@bp.post("/auth/b2b/token")
def token():
    """The koppelsleutel (or its decoded user and password) for an hour's bearer token; no refresh token."""
    state = _state()
    if request.mimetype != "application/x-www-form-urlencoded":
        return _json({"error": "invalid_request", "error_description": "Form-encoded body required."}, 400)
    grant = request.form.get("grant_type")
    if grant == "clientkey":
        issued = state.issue(key=request.form.get("clientkey", ""))
    elif grant == "password":
        issued = state.issue(username=request.form.get("username"), password=request.form.get("password"))
    else:
        return _json({"error": "unsupported_grant_type"}, 400)
    if issued is None:
        return _json({"error": "invalid_grant", "error_description": "Unknown clientkey"}, 400)
    return _json(issued)


def _subscription(state: SnelStartState) -> str:
    key = request.headers.get("Ocp-Apim-Subscription-Key") or request.args.get("subscription-key") or ""
    if key not in state.subscription_keys:
        raise apim(401, "Access denied due to missing subscription key. Make sure to include subscription key "
                        "when making requests to an API." if not key else
                   "Access denied due to invalid subscription key. Make sure to provide a valid key for an active "
                   "subscription.")
    return key


def _grant(state: SnelStartState, now: float) -> dict:
    scheme, _, value = request.headers.get("Authorization", "").partition(" ")
    grant = state.tokens.get(value.strip()) if scheme.lower() == "bearer" else None
    if grant is None or grant["expires"] <= now:
        raise bare(401, "Authorization has been denied for this request.")
    return grant


def _admit(state: SnelStartState, collection: str, now: float) -> dict:
    """Subscription key, quota, token and scope, in APIM's order; the caller's grant."""
    key = _subscription(state)
    wait = state.hit(key, now)
    if wait is not None:
        raise apim(429, f"Rate limit is exceeded. Try again in {wait} seconds.", {"Retry-After": str(wait)})
    grant = _grant(state, now)
    read, write, _ = COLLECTIONS[collection]
    needed = read if request.method == "GET" else write
    if needed is None or needed not in grant["scopes"]:
        raise SnelStartError(403, {"message": "Forbidden: de sleutel heeft niet de juiste scopes voor deze operatie."})
    return grant


def _work(state: SnelStartState, admin: dict, collection: str, rest: str, now: float):
    if collection == "companyInfo":
        return admin["info"]
    if request.method == "POST":
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            raise bare(400, "The request body is not a JSON object.")
        body = json.loads(json.dumps(body), parse_float=Decimal)
        stamp = dt.datetime.fromtimestamp(now, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
        stored = COLLECTIONS[collection][2](admin, body, stamp)
        admin["posts"][collection] = admin["posts"].get(collection, 0) + 1
        state.changed()
        return stored
    records = admin.get(collection, {})
    if collection in UNPAGED:
        return records
    if rest:
        if rest not in records:
            raise bare(404, "Resource not found")
        return records[rest]
    return listing.page(collection, list(records.values()), request.args)


@bp.route("/v2/<collection>", methods=["GET", "POST"])
@bp.route("/v2/<collection>/<rest>", methods=["GET"])
def serve(collection: str, rest: str = ""):
    """Every ``/v2/...`` call we support."""
    state = _state()
    now = state.clock.now()
    try:
        if collection not in COLLECTIONS:
            raise bare(404, "Resource not found")
        with state.lock:
            grant = _admit(state, collection, now)
        fault = state.faults.take(request.method, request.path)
        if fault and fault.mode in ("status", "hang"):
            if fault.mode == "hang":
                state.faults.hang(fault.hang_seconds)
            raise SnelStartError(fault.status or 504, {"message": f"Injected fault: HTTP {fault.status or 504}."},
                                 fault.headers)
        if fault and fault.mode == "hold_then_commit":
            state.faults.hang(fault.hang_seconds)
        with state.lock:
            result = copy.deepcopy(_work(state, state.administrations[grant["admin"]], collection, rest, now))
        if fault and fault.mode == "commit_then_hang":
            state.faults.hang(fault.hang_seconds)
        if fault and fault.mode == "commit_then_status":
            raise SnelStartError(fault.status, {"message": "An error has occurred."})
    except SnelStartError as exc:
        return response(exc)
    return _json(result, 201 if request.method == "POST" else 200)

