"""The API: bearer token, company context, fixed-window rate limit, faults, then the resource (targets.md §5.7).

Both URL forms answer: ``/v1/…`` (api.finance.visma.net) and the legacy ``/API/controller/api/v1/…``.
The company comes from ``ipp-company-id`` and must belong to the token's customer (tenant), else
12027. ``GET /v1/context/companies`` (the companies a token may use) is [inferred]: no public
source names the call that lists them.
"""
from __future__ import annotations

import copy
import json
import math
from decimal import Decimal

from flask import Blueprint, Response, current_app, request

from . import errors, journal
from .errors import VismaNetError, invalid

bp = Blueprint("vismanet_api", __name__)
MAX_PAGE = 1000


def _state():
    return current_app.config["VISMANET_STATE"]


def _encode(value):
    if isinstance(value, Decimal):
        return float(value)
    raise TypeError(type(value).__name__)


def _grant(state) -> dict:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    grant = state.access.get(token.strip()) if scheme.lower() == "bearer" else None
    if grant is None or grant["expires"] <= state.clock.now():
        raise VismaNetError(401, ("401", "Invalid or expired token."))
    return grant


def _company(state, grant: dict) -> tuple[str, dict]:
    customer = state.customers.get(grant["tenant"])
    company_id = request.headers.get("ipp-company-id", "")
    if customer is None or company_id not in customer["companies"]:
        raise VismaNetError(403, errors.NO_LICENSE)
    return company_id, customer["companies"][company_id]


def _limit(state, grant: dict, company_id: str) -> dict:
    """Count the call in its fixed window per (client, company); the headers every answer carries."""
    now = state.clock.now()
    key = (grant["client_id"], grant["tenant"], company_id)
    window = state.windows.get(key)
    if window is None or window["resets"] <= now:
        window = state.windows[key] = {"used": 0, "resets": now + state.rate_window}
    reset = max(1, math.ceil(window["resets"] - now))
    headers = {"X-RateLimit-Limit": str(state.rate_limit), "X-RateLimit-Policy": "4-fixed-window",
               "X-RateLimit-Reset": str(reset)}
    if window["used"] >= state.rate_limit:
        headers.update({"X-RateLimit-Remaining": "0", "Retry-After": str(reset)})
        raise _Throttled(headers)
    window["used"] += 1
    headers["X-RateLimit-Remaining"] = str(state.rate_limit - window["used"])
    return headers


class _Throttled(Exception):
    def __init__(self, headers: dict):
        super().__init__("throttled")
        self.headers = headers


def _page(rows: list) -> list:
    try:
        number, size = int(request.args.get("pageNumber", 1)), int(request.args.get("pageSize", 100))
    except ValueError:
        raise invalid("pageNumber and pageSize must be numbers.") from None
    if not 1 <= size <= MAX_PAGE or number < 1:
        raise invalid(f"pageSize must be between 1 and {MAX_PAGE}.")
    return rows[(number - 1) * size:number * size]


def _read(state, tenant: str, company_id: str, company: dict, parts: list[str]):
    resource = parts[0].lower()
    if resource == "account":
        return _page([{"accountCd": n, "description": a["description"], "active": a["active"]}
                      for n, a in sorted(company["accounts"].items())])
    if resource == "dimension":  # [inferred] the subaccount segments under the manual's word
        return [{"segmentId": s["segmentId"], "description": s["description"],
                 "segmentValues": [{"value": v} for v in s["values"]]} for s in company["segments"]]
    if resource == "financialperiod":
        return _page([{"periodId": p, "closedInGL": v["closed"], "active": not v["closed"]}
                      for p, v in sorted(company["periods"].items())])
    if resource == "journaltransaction":
        found = company["transactions"]
        if len(parts) > 1:
            if parts[1] not in found:
                raise VismaNetError(404, ("404", f"Journal transaction '{parts[1]}' cannot be found."))
            return found[parts[1]]
        period = request.args.get("periodId")
        return _page([t for t in found.values() if period in (None, t["financialPeriod"])])
    raise VismaNetError(404, ("404", "No HTTP resource was found that matches the request URI."))


def _create(state, tenant: str, company: dict) -> str:
    if state.customers[tenant]["blocked"]:
        raise VismaNetError(403, errors.CUSTOMER_BLOCKED)
    if company["test_company"]:
        raise VismaNetError(400, errors.TEST_COMPANY)
    try:
        body = json.loads(request.get_data(as_text=True) or "null", parse_float=Decimal)
    except ValueError:
        raise invalid("The request body is not valid JSON.") from None
    record = journal.check(company, body, state.strict_values)
    batch = str(company["next_batch"]).zfill(6)
    company["next_batch"] += 1
    company["transactions"][batch] = {"batchNumber": batch, **record}
    return batch


def _answer(state, prefix: str, rest: str) -> Response:
    grant = _grant(state)
    parts = [p for p in rest.split("/") if p]
    if parts == ["context", "companies"]:
        customer = state.customers.get(grant["tenant"], {"companies": {}})
        return Response(json.dumps([{"id": k, "name": c["name"]} for k, c in customer["companies"].items()]),
                        mimetype="application/json")
    company_id, company = _company(state, grant)
    headers = _limit(state, grant, company_id)
    if request.method == "POST" and parts == ["journaltransaction"]:
        batch = _create(state, grant["tenant"], company)
        return Response("", status=201, headers={**headers, "Location": f"{request.url_root.rstrip('/')}{prefix}"
                                                                          f"/v1/journaltransaction/{batch}"})
    if request.method != "GET" or not parts:
        raise VismaNetError(405, ("405", "The requested resource does not support this http method."))
    body = copy.deepcopy(_read(state, grant["tenant"], company_id, company, parts))
    return Response(json.dumps(body, default=_encode), mimetype="application/json", headers=headers)


def _serve(prefix: str, rest: str) -> Response:
    state = _state()
    fault = state.faults.take(request.method, request.path)
    if fault is not None and fault.mode in ("status", "hang"):
        if fault.mode == "hang":
            state.faults.hang(fault.hang_seconds)
        return VismaNetError(fault.status or 504, ("500", "An error has occurred.")).response()
    try:
        with state.lock:
            answer = _answer(state, prefix, rest)
    except VismaNetError as exc:
        answer = exc.response()
    except _Throttled as exc:
        answer = VismaNetError(429, ("429", "Rate limit is exceeded.")).response(exc.headers)
    if fault is not None and fault.mode == "commit_then_hang":
        state.faults.hang(fault.hang_seconds)
    if fault is not None and fault.mode == "commit_then_status":
        return VismaNetError(fault.status, ("500", "An error has occurred.")).response()
    return answer


@bp.route("/v1/<path:rest>", methods=["GET", "POST"])
def current(rest: str):
    """The current host's paths."""
    return _serve("", rest)


@bp.route("/API/controller/api/v1/<path:rest>", methods=["GET", "POST"])
def legacy(rest: str):
    """The legacy integration.visma.net paths (still answered, as during the migration)."""
    return _serve("/API/controller/api", rest)
