"""The REST API: bearer auth, division access, error budget, rate limits and faults around each call."""
from __future__ import annotations

import dataclasses
import json

from flask import Blueprint
from flask import current_app
from flask import request

from . import resources
from .entities import ENDPOINTS
from .errors import ExactError
from .limits import blocked_message
from .payload import Ctx
from .render import error_response
from .render import respond
from .render import wants_json
from .state import ExactState

bp = Blueprint("exact_rest", __name__)
# IIS in front of Exact refuses query strings over 2,048 bytes (its default maxQueryString).
MAX_QUERY_STRING = 2048


class _Blocked(ExactError):
    """A refusal by the limits themselves; it does not count against the error budget."""


class _Injected(ExactError):
    """An answer forced by a fault rule."""


@dataclasses.dataclass
class Caller:
    """Who is calling, from the bearer token (kept for expired tokens, so their 401s are counted)."""

    client_id: str
    user: dict
    expired: bool


def _state() -> ExactState:
    return current_app.config["EXACT_STATE"]


@bp.route("/api/v1/current/Me", methods=["GET"])
def me():
    """current/Me: works without a division; counted against the user's current division."""
    return _serve("current/Me", None, resources.me)


@bp.route("/api/v1/<division>/<service>/<path:rest>", methods=["GET", "POST", "PUT", "DELETE"])
def entity(division: str, service: str, rest: str):
    """Every ``/api/v1/{division}/{service}/{Entity}...`` call."""
    if len(request.query_string) > MAX_QUERY_STRING:
        return error_response(ExactError(414, "The request URL is too long."), wants_json())
    try:
        name, key, nav = resources.split_target(rest)
    except ExactError:
        name, key, nav = rest, None, None
    path = f"{service}/{name}"
    return _serve(path, division, lambda ctx: _work(ctx, ENDPOINTS.get(path), key, nav))


def _work(ctx: Ctx, endpoint, key: str | None, nav: str | None):
    if endpoint is None:
        raise ExactError(404, f"Resource not found for the segment '{request.path.rsplit('/', 1)[-1]}'.")
    method = request.method
    needs_key = method in ("PUT", "DELETE")
    if method not in endpoint.methods or (method != "GET" and needs_key != (key is not None)):
        raise ExactError(405, f"Method {method} is not allowed on this resource.")
    if method == "GET":
        return resources.get(ctx, endpoint, key, nav)
    if method == "DELETE":
        return resources.delete(ctx, endpoint, key)
    body = _json_body()
    if method == "POST":
        return resources.post(ctx, endpoint, body)
    return resources.put(ctx, endpoint, key, body)


def _json_body():
    if not request.mimetype or "json" not in request.mimetype:
        raise ExactError(415, "Unsupported media type: send Content-Type: application/json.")
    try:
        return json.loads(request.get_data(as_text=True) or "null")
    except ValueError:
        raise ExactError(400, "The request body is not valid JSON.") from None


def _caller(state: ExactState, now: float) -> Caller:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    grant = state.tokens.lookup(token.strip()) if scheme.lower() == "bearer" else None
    if grant is None or grant["username"] not in state.users:
        raise ExactError(401, "Unauthorized", {"WWW-Authenticate": 'Bearer error="invalid_token"'})
    user = {**state.users[grant["username"]], "username": grant["username"]}
    return Caller(grant["client_id"], user, expired=grant["expires"] <= now)


def _serve(endpoint: str, division_text: str | None, work):
    state = _state()
    as_json = wants_json()
    now = state.clock.now()
    with state.lock:
        try:
            caller = _caller(state, now)
        except ExactError as exc:
            return error_response(exc, as_json)
    division = caller.user["current"] if division_text is None else _division(division_text)
    budget_key = (caller.client_id, caller.user["user_id"], division, endpoint)
    headers: dict = {}
    try:
        _admit(state, caller, division, budget_key, now, headers)
        status, body = _run(state, Ctx(state, division, caller.user, now), endpoint, work)
        response = respond(status, body, as_json, headers)
    except _Blocked as exc:
        return error_response(exc, as_json, headers)
    except _Injected as exc:
        # An injected 429 carries only the headers the test gave, like Exact's own 429.
        response = error_response(exc, as_json, {} if exc.status == 429 else headers)
    except ExactError as exc:
        response = error_response(exc, as_json, headers)
    return _count_error(state, budget_key, now, response, as_json, headers)


def _division(text: str):
    return int(text) if text.isdigit() else text


def _admit(state: ExactState, caller: Caller, division, budget_key, now: float, headers: dict) -> None:
    if caller.expired:
        raise ExactError(401, "Unauthorized: the access token has expired.",
                         {"WWW-Authenticate": 'Bearer error="invalid_token"'})
    if division not in caller.user["divisions"]:
        raise ExactError(401, f"Unauthorized: no access to division {division}.")
    with state.lock:
        until = state.budget.blocked_until(budget_key, now) if state.error_budget else None
        if until is not None:
            raise _Blocked(403, blocked_message(until))
        if state.rate_limits:
            allowed, window = state.limiter.hit((caller.client_id, division), now)
            if not allowed:
                raise _Blocked(429, "API rate limit exceeded.", window)
            headers.update(window)


def _run(state: ExactState, ctx: Ctx, endpoint: str, work):
    fault = state.faults.take(request.method, request.path, endpoint)
    if fault and fault.mode == "status":
        raise _Injected(fault.status, f"Injected fault: HTTP {fault.status}.", dict(fault.headers or {}))
    if fault and fault.mode == "hang":
        state.faults.hang(fault.hang_seconds)
        raise _Injected(504, "Gateway Timeout", dict(fault.headers or {}))
    if fault and fault.mode == "hold_then_commit":  # block outside the lock, then store (the client may be gone)
        state.faults.hang(fault.hang_seconds)
    with state.lock:
        result = work(ctx)
    if fault and fault.mode == "commit_then_hang":  # the work is stored; block outside the lock, then answer
        state.faults.hang(fault.hang_seconds)
    if fault and fault.mode == "commit_then_status":
        raise _Injected(fault.status, f"Injected fault after commit: HTTP {fault.status}.", dict(fault.headers or {}))
    return result


def _count_error(state: ExactState, key, now: float, response, as_json: bool, headers: dict):
    if not state.error_budget or response.status_code not in state.budget.COUNTED:
        return response
    with state.lock:
        until = state.budget.record(key, now)
    if until is None:
        return response
    return error_response(ExactError(403, blocked_message(until)), as_json, headers)
