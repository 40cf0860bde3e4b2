"""A faithful Visma eAccounting sandbox: the identity server's code flow and API v2 with its rules and limits.

Usage::

    state = VismaState(clock=Clock())
    state.register_client("koppel-dev", "koppel-dev-secret", "http://127.0.0.1:8000/connect/visma/callback")
    company = state.add_user("demo@koppel.test", "demo")
    app = create_app(state)   # /identity/connect/authorize, /identity/connect/token, /v2/..., /_sandbox/...

What it enforces is listed in shared/reference/targets.md §2.9; inferred behaviour is marked where made.
"""
from __future__ import annotations

from flask import Flask

from . import api, control, oauth
from worker.sandbox_faults import FaultRule
from .state import Clock, VismaState

__all__ = ["Clock", "FaultRule", "VismaState", "create_app"]


def create_app(state: VismaState) -> Flask:
    """The sandbox as a Flask app; mount it anywhere (URLs are built from the request)."""
    app = Flask(__name__)
    app.config["VISMA_STATE"] = state
    app.register_blueprint(oauth.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(control.bp)
    return app
