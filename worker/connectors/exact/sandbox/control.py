"""``/_sandbox``: test controls for processes that cannot reach the state object (no auth)."""
from __future__ import annotations

from flask import Blueprint
from flask import abort
from flask import current_app
from flask import jsonify
from flask import request

from .entities import COLLECTIONS
from worker.sandbox_faults import add_fault_routes
from .state import ExactState

bp = Blueprint("exact_control", __name__, url_prefix="/_sandbox")


def _state() -> ExactState:
    return current_app.config["EXACT_STATE"]


add_fault_routes(bp, _state)


def _division_and_entity() -> tuple[int, str]:
    division = request.args.get("division", type=int)
    entity = request.args.get("entity", "")
    if division not in _state().divisions or entity not in COLLECTIONS:
        abort(404, description=f"unknown division or entity; entities: {', '.join(COLLECTIONS)}")
    return division, entity


@bp.get("/documents")
def documents():
    """The stored records of ``entity`` in ``division``."""
    division, entity = _division_and_entity()
    return jsonify(_state().documents(division, entity))


@bp.delete("/documents")
def delete_document():
    """Delete one record by ``id`` (a merchant deleting a booking by hand)."""
    division, entity = _division_and_entity()
    if not _state().delete_document(division, entity, request.args.get("id", "").lower()):
        abort(404)
    return "", 204


@bp.post("/clock/advance")
def advance_clock():
    """Move the sandbox clock forward by ``{"seconds": n}``."""
    body = request.get_json(force=True, silent=True) or {}
    state = _state()
    state.clock.advance(float(body.get("seconds", 0)))
    return jsonify({"now": state.clock.now()})


@bp.get("/stats")
def stats():
    """Token calls answered 200 and POSTs that created documents, per division."""
    state = _state()
    with state.lock:
        posts = {str(div): dict(data["posts"]) for div, data in state.divisions.items()}
    return jsonify({"token_calls": state.token_calls, "posts": posts})
