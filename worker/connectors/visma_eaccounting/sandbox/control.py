"""``/_sandbox``: test controls for processes that cannot reach the state object (no auth)."""
from __future__ import annotations

import json

from flask import Blueprint, abort, current_app, jsonify, request

from worker.sandbox_faults import add_fault_routes
from .state import VismaState

bp = Blueprint("visma_control", __name__, url_prefix="/_sandbox")


def _state() -> VismaState:
    return current_app.config["VISMA_STATE"]


add_fault_routes(bp, _state)


@bp.get("/documents")
def documents():
    """The stored records of ``collection`` in ``company``."""
    state, company = _state(), request.args.get("company", "")
    if company not in state.companies:
        abort(404)
    try:
        return current_app.response_class(
            json.dumps(state.records(company, request.args.get("collection", "")), default=float),
            mimetype="application/json")
    except KeyError:
        abort(404)


@bp.post("/clock/advance")
def advance_clock():
    """Move the sandbox clock forward by ``{"seconds": n}``."""
    body = request.get_json(force=True, silent=True) or {}
    return jsonify({"now": _state().clock.advance(float(body.get("seconds", 0)))})


@bp.get("/stats")
def stats():
    """Token calls answered 200 and POSTs that created records, per company."""
    state = _state()
    with state.lock:
        posts = {company: dict(data["posts"]) for company, data in state.companies.items()}
    return jsonify({"token_calls": state.token_calls, "posts": posts})
