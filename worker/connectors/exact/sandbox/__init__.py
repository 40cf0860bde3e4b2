"""A faithful Exact Online sandbox: a WSGI app with Exact's OAuth flow, REST paths, rules and limits.

Usage::

    state = ExactState(clock=Clock())
    state.register_client("koppel-dev", "koppel-dev-secret", "http://127.0.0.1:8000/connect/exact/callback")
    division = state.add_user("demo@koppel.test", "demo")
    app = create_app(state)

What it enforces is listed in shared/reference/targets.md §1.8; deviations are noted where made.
"""
from __future__ import annotations

from flask import Flask

from . import control
from . import oauth
from . import rest
from worker.sandbox_faults import FaultRule
from .state import Clock
from .state import ExactState

__all__ = ["Clock", "ExactState", "FaultRule", "create_app"]


def create_app(state: ExactState) -> Flask:
    """The sandbox as a Flask app; mount it anywhere (URLs are built from the request)."""
    app = Flask(__name__)
    app.config["EXACT_STATE"] = state
    app.register_blueprint(oauth.bp)
    app.register_blueprint(rest.bp)
    app.register_blueprint(control.bp)
    return app
