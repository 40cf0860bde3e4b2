"""Mijnwebwinkel (MyOnlineStore Connect) sandbox, per sources.md §2.8.

Stores with tokens bound to a partner, their own statuses, and orders as the store writes them
(multi-rate lines, discounts spread over rates, payment costs, B2B reverse charge, credit orders);
served as ``/v1`` and ``/v2-beta`` with both query tokens checked, bare-array pages, test orders
hidden unless asked, a rate limit per (partner, store) and the vendor's ``Error`` shape. ``format=xml``
is not served (Koppel reads JSON).
"""
from __future__ import annotations

from flask import Flask

from worker.connectors.mijnwebwinkel.sandbox import api, control
from worker.connectors.mijnwebwinkel.sandbox.orders import build_order
from worker.connectors.mijnwebwinkel.sandbox.state import DEFAULT_STATUSES, MijnwebwinkelState
from worker.sandbox_clock import Clock

# Another partner's token (an accounting package's): a store token made for it is refused to Koppel.
OTHER_PARTNER = "other-partner-token"
__all__ = ["OTHER_PARTNER", "Clock", "DEFAULT_STATUSES", "MijnwebwinkelState", "build_order", "create_app"]


def create_app(state: MijnwebwinkelState) -> Flask:
    """The sandbox as a WSGI app."""
    app = Flask(__name__)
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    app.extensions["mijnwebwinkel_sandbox"] = state
    app.register_blueprint(api.bp)
    app.register_blueprint(control.bp)

    @app.errorhandler(404)
    def not_found(exc):
        return api.error(404, "Not Found", "No such resource")

    return app
