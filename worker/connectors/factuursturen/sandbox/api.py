"""API v1: Basic auth, the hourly limit with its headers, faults, then the resource (targets.md §4.7)."""
from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal

from flask import Blueprint, current_app, request

from . import clients, invoices
from .state import FactuursturenState
from .wire import FsError, answer, created, failed

bp = Blueprint("factuursturen_api", __name__, url_prefix="/api/v1")
LISTS = ("taxes", "categories", "profiles")


def _state() -> FactuursturenState:
    return current_app.config["FACTUURSTUREN_STATE"]


def _body():
    if "json" not in (request.mimetype or ""):
        raise FsError(400, "Send the body as JSON (Content-Type: application/json).")
    try:
        return json.loads(request.get_data(as_text=True) or "null", parse_float=Decimal)
    except ValueError:
        raise FsError(400, "The body is not valid JSON.") from None


def _get(state, username: str, resource: str, key: str):
    account = state.accounts[username]
    if resource in LISTS and not key:
        return copy.deepcopy(account[resource])
    if resource == "countrylist":
        return [{"id": country_id, "name": name} for country_id, name in clients.COUNTRIES.items()]
    table = {"clients": "clients", "invoices": "invoices", "invoices_saved": "saved"}.get(resource)
    if table is None:
        raise FsError(404, f"Unknown resource {resource}.")
    if key:
        record = account[table].get(key)
        if record is None:
            raise FsError(404, f"{resource.rstrip('s').capitalize()} {key} does not exist.")
        return {"client" if table == "clients" else "invoice": copy.deepcopy(record)}
    rows = list(account[table].values())
    if resource == "invoices" and request.args.get("clientnr"):  # filter by client (API 1.0.3)
        rows = [row for row in rows if str(row.get("clientnr")) == request.args["clientnr"]]
    return copy.deepcopy(rows)


def _work(state, username: str, resource: str, key: str, today: dt.date):
    if request.method == "GET":
        return answer(_get(state, username, resource, key))
    if request.method == "POST" and resource == "clients" and not key:
        return created(clients.create(state, username, _body()))
    if request.method == "POST" and resource == "invoices" and not key:
        return created(invoices.create(state, username, _body(), today))
    if request.method == "PUT" and resource == "invoices_payment" and key:
        invoices.pay(state, username, key, _body())
        return answer("OK")
    raise FsError(405, f"{request.method} is not allowed on {resource}.")


def _account(state) -> str:
    auth = request.authorization
    if auth is None or state.account_for(auth.username or "", auth.password or "") is None:
        raise FsError(401, "Invalid username or API key, or the API key is not active.")
    return auth.username


def _fault(state, fault, work):
    """Answer as the armed fault says (targets.md §6: timeouts, 5xx, a write whose answer is lost)."""
    if fault.mode == "status":
        raise FsError(fault.status, f"Injected fault: HTTP {fault.status}.")
    if fault.mode == "hang":
        state.faults.hang(fault.hang_seconds)
        raise FsError(504, "Gateway Time-out")
    if fault.mode == "hold_then_commit":
        state.faults.hang(fault.hang_seconds)
    result = work()
    if fault.mode == "commit_then_hang":
        state.faults.hang(fault.hang_seconds)
    if fault.mode == "commit_then_status":
        raise FsError(fault.status, f"Injected fault: HTTP {fault.status}.")
    return result


@bp.route("/<resource>", methods=["GET", "POST", "PUT", "DELETE"])
@bp.route("/<resource>/<key>", methods=["GET", "POST", "PUT", "DELETE"])
def serve(resource: str, key: str = ""):
    """Every ``/api/v1/...`` call."""
    state, headers = _state(), {}
    now = state.clock.now()
    today = dt.datetime.fromtimestamp(now, dt.timezone.utc).date()
    try:
        with state.lock:
            username = _account(state)
            left = state.limit.hit(username, now, state.limit.counted(request.method, resource))
            headers = {"X-RateLimit-Limit": str(state.limit.limit), "X-RateLimit-Remaining": str(max(left or 0, 0))}
            if left is None:
                raise FsError(403, "You have reached the maximum number of API calls for this hour.")
        fault = state.faults.take(request.method, request.path, resource)

        def work():
            with state.lock:
                return _work(state, username, resource, key, today)

        response = _fault(state, fault, work) if fault else work()
    except FsError as exc:
        return failed(exc, headers)
    response.headers.update(headers)
    return response
