"""Control endpoints of the sandbox (``/_sandbox``): what a merchant does in their back office."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

bp = Blueprint("mijnwebwinkel_control", __name__, url_prefix="/_sandbox")


def state():
    return current_app.extensions["mijnwebwinkel_sandbox"]


@bp.post("/stores")
def add_store():
    """A store whose token is bound to a partner (``token``, ``partner_token``, optional ``name``, ``active``)."""
    body = request.get_json(force=True)
    fields = {k: body[k] for k in ("name", "active", "expires_at", "region_code") if k in body}
    store = state().add_store(body["token"], body["partner_token"], **fields)
    return jsonify({"token": store.token, "name": store.name}), 201


@bp.post("/stores/<token>/orders")
def add_order(token: str):
    """A new order from a short description (see orders.build_order)."""
    return jsonify(state().add_order(token, request.get_json(force=True) or {})), 201


@bp.post("/stores/<token>/orders/<int:number>/status")
def set_status(token: str, number: int):
    """The merchant changes an order's status."""
    return jsonify(state().set_status(token, number, int(request.get_json(force=True)["status"])))


@bp.post("/clock/advance")
def advance():
    """Move the sandbox clock forward by ``seconds``."""
    return jsonify({"now": state().clock.advance(float(request.get_json(force=True)["seconds"]))})
