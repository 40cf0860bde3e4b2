"""API v2: bearer token, scopes, startup guide, rate limit and faults around every call (targets.md §2.9)."""
from __future__ import annotations

import json
from decimal import Decimal

from flask import Blueprint, Response, current_app, request

from . import routes
from .context import Ctx
from .errors import UNAUTHORIZED, VismaError, invalid, response
from .state import VismaState

bp = Blueprint("visma_api", __name__, url_prefix="/v2")
# IIS's default maxQueryString; longer ones get its bare 404.15 before the API sees them (inferred).
MAX_QUERY = 2048


def _state() -> VismaState:
    return current_app.config["VISMA_STATE"]


def _encode(value):
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(f"cannot encode {type(value).__name__}")


def _grant(state: VismaState, now: float) -> dict:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    grant = state.tokens.lookup(token.strip()) if scheme.lower() == "bearer" else None
    if grant is None or grant["expires"] <= now:
        raise VismaError(4005, UNAUTHORIZED)
    return grant


def _admit(state: VismaState, grant: dict, collection: str, now: float) -> None:
    if "ea:api" not in grant["scopes"] or not routes.allowed(collection, request.method, grant["scopes"]):
        raise VismaError(4006, "NoAccessToScopes - The access token does not grant the scope this endpoint needs.")
    if not state.company(grant["company"])["startup_complete"]:
        raise VismaError(4003, "StartupGuideNotCompleted - Finish the startup guide in eAccounting first.")
    wait = state.limiter.hit((grant["client_id"], collection), now)
    if wait is not None:
        raise VismaError(4010, state.limiter.message(wait))


def _body():
    if "json" not in (request.mimetype or ""):
        raise VismaError(2000, "The request entity's media type is not supported for this resource.", 415)
    try:
        return json.loads(request.get_data(as_text=True) or "null", parse_float=Decimal)
    except ValueError:
        raise invalid("The request body is not valid JSON.") from None


def _work(ctx: Ctx, collection: str, parts: list[str]):
    if request.method == "GET":
        return routes.get(ctx, collection, parts)
    if request.method == "POST":
        return routes.post(ctx, collection, parts, _body())
    if request.method == "PUT":
        return routes.put(ctx, collection, parts, _body())
    if request.method == "DELETE":
        return routes.delete(ctx, collection, parts)
    raise VismaError(3000, f"The requested resource does not support http method '{request.method}'.", 405)


@bp.route("/<collection>", methods=["GET", "POST", "PUT", "DELETE"])
@bp.route("/<collection>/<path:rest>", methods=["GET", "POST", "PUT", "DELETE"])
def serve(collection: str, rest: str = ""):
    """Every ``/v2/...`` call."""
    state, collection = _state(), collection.lower()
    now = state.clock.now()
    if len(request.query_string) > MAX_QUERY:
        return Response("Query String Too Long", status=404, mimetype="text/plain")
    try:
        if collection not in routes.SCOPES:
            raise VismaError(3000, "No HTTP resource was found that matches the request URI.", 404)
        with state.lock:
            grant = _grant(state, now)
            _admit(state, grant, collection, now)
        fault = state.faults.take(request.method, request.path)
        if fault and fault.mode != "commit_then_hang":
            if fault.mode == "hang":
                state.faults.hang(fault.hang_seconds)
            raise VismaError(5000, f"Injected fault: HTTP {fault.status or 504}.", fault.status or 504)
        with state.lock:
            ctx = Ctx(state, grant["company"], now, request.args)
            result = _work(ctx, collection, [part for part in rest.split("/") if part])
        if fault:  # commit_then_hang: the record is stored; the answer comes late
            state.faults.hang(fault.hang_seconds)
    except VismaError as exc:
        return response(exc)
    if result is None:
        return Response(status=204)
    return Response(json.dumps(result, default=_encode), status=200, mimetype="application/json")
