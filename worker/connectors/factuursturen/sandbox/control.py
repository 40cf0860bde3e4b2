"""``/_sandbox``: test controls for processes that cannot reach the state object (no auth)."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from worker.sandbox_faults import FaultRule
from .state import FactuursturenState

bp = Blueprint("factuursturen_control", __name__, url_prefix="/_sandbox")
_RULE_FIELDS = ("method", "path", "mode", "status", "count", "hang_seconds")


def _state() -> FactuursturenState:
    return current_app.config["FACTUURSTUREN_STATE"]


@bp.post("/accounts")
def add_account():
    """Create an account from ``{"username", "api_key"}`` (the demo and browser tests use it)."""
    body = request.get_json(force=True, silent=True) or {}
    if not body.get("username") or not body.get("api_key"):
        return jsonify({"error": "username and api_key are required"}), 400
    _state().add_account(body["username"], body["api_key"])
    return jsonify({"username": body["username"]}), 201


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


@bp.post("/clock/advance")
def advance_clock():
    """Move the sandbox clock forward by ``{"seconds": n}``."""
    body = request.get_json(force=True, silent=True) or {}
    return jsonify({"now": _state().clock.advance(float(body.get("seconds", 0)))})
