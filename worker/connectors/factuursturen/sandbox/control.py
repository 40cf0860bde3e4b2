"""``/_sandbox``: test controls for processes that cannot reach the state object (no auth)."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from worker.sandbox_faults import add_fault_routes
from .state import FactuursturenState

bp = Blueprint("factuursturen_control", __name__, url_prefix="/_sandbox")


def _state() -> FactuursturenState:
    return current_app.config["FACTUURSTUREN_STATE"]


add_fault_routes(bp, _state)


@bp.post("/accounts")
def add_account():
    """Create an account from ``{"username", "api_key"}`` (the demo and browser tests use it)."""
    body = request.get_json(force=True, silent=True) or {}
    if not body.get("username") or not body.get("api_key"):
        return jsonify({"error": "username and api_key are required"}), 400
    _state().add_account(body["username"], body["api_key"])
    return jsonify({"username": body["username"]}), 201


@bp.post("/clock/advance")
def advance_clock():
    """Move the sandbox clock forward by ``{"seconds": n}``."""
    body = request.get_json(force=True, silent=True) or {}
    return jsonify({"now": _state().clock.advance(float(body.get("seconds", 0)))})
