"""``/_sandbox``: test controls for processes that cannot reach the state object (no auth)."""
from __future__ import annotations

import json

from flask import Blueprint, abort, current_app, jsonify, request

from worker.sandbox_faults import FaultRule
from .state import VismaState

bp = Blueprint("visma_control", __name__, url_prefix="/_sandbox")
_RULE_FIELDS = ("method", "path", "mode", "status", "count", "hang_seconds")


def _state() -> VismaState:
    return current_app.config["VISMA_STATE"]


@bp.post("/faults")
def add_fault():
    """Arm a fault rule from a JSON body with the FaultRule fields."""
    body = request.get_json(force=True, silent=True) or {}
    try:
        rule = FaultRule(**{k: body[k] for k in _RULE_FIELDS if k in body})
    except (TypeError, ValueError) as exc:
        return jsonify({"error": str(exc)}), 400
    _state().add_fault(rule)
    return jsonify({"armed": rule.__dict__}), 201


@bp.delete("/faults")
def clear_faults():
    """Disarm every rule and release hanging requests."""
    _state().clear_faults()
    return "", 204


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
