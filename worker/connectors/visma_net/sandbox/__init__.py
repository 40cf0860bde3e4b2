"""A faithful Visma.net ERP sandbox: Visma Connect and the journal transaction API (targets.md §5.7).

Usage::

    state = VismaNetState()
    state.register_client("koppel-dev", "koppel-dev-secret", "http://127.0.0.1:8000/connect/vismanet/callback")
    tenant = state.add_user("payroll@visser.nl", "pw")     # a customer with company "1"
    app = create_app(state)   # /identity/connect/authorize, /identity/connect/token, /v1/..., /API/controller/api/v1/...

Inferred or unverified behaviour is marked where it is made (errors.py, api.py, journal.py).
"""
from __future__ import annotations

from flask import Flask, request

from worker.sandbox_faults import FaultRule
from . import api, identity
from .state import VismaNetState

__all__ = ["FaultRule", "VismaNetState", "create_app"]


def create_app(state: VismaNetState) -> Flask:
    """The sandbox as a Flask app; mount it anywhere (URLs are built from the request)."""
    app = Flask(__name__)
    app.config["VISMANET_STATE"] = state
    app.register_blueprint(identity.bp)
    app.register_blueprint(api.bp)

    @app.after_request
    def keep(response):
        """Every POST may change the state (a code, a token, a transaction): saved when it is kept in a file."""
        if state.autosave_path and request.method == "POST":
            state.changed()
        return response

    return app
