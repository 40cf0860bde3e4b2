"""``/_sandbox``: test and demo controls for processes that cannot reach the state object (no auth)."""
from __future__ import annotations

import json

from flask import Blueprint, abort, current_app, jsonify, request

from worker.sandbox_faults import add_fault_routes
from .state import SnelStartState

bp = Blueprint("snelstart_control", __name__, url_prefix="/_sandbox")


def _state() -> SnelStartState:
    return current_app.config["SNELSTART_STATE"]


add_fault_routes(bp, _state)


@bp.post("/administrations")
def add_administration():
    """A new administration: ``{"name", "package", "wide_article_codes"}`` → its id and a koppelsleutel."""
    body = request.get_json(force=True, silent=True) or {}
    try:
        admin, key = _state().add_administration(body.get("name", "Demo BV"), body.get("package", "InBalans"),
                                                 bool(body.get("wide_article_codes")))
    except ValueError as exc:
        return jsonify({"error": str(exc)}), 400
    return jsonify({"administration": admin, "client_key": key}), 201


@bp.get("/documents")
def documents():
    """The stored records of ``collection`` in ``administration``."""
    state, admin = _state(), request.args.get("administration", "")
    if admin not in state.administrations:
        abort(404)
    rows = state.records(admin, request.args.get("collection", ""))
    return current_app.response_class(json.dumps(rows, default=float), mimetype="application/json")


@bp.post("/clock/advance")
def advance_clock():
    """Move the sandbox clock forward by ``{"seconds": n}``."""
    body = request.get_json(force=True, silent=True) or {}
    return jsonify({"now": _state().clock.advance(float(body.get("seconds", 0)))})
