"""A faithful Factuursturen API v1 sandbox (shared/reference/targets.md §4.7).

Usage::

    state = FactuursturenState(clock=Clock(), invoice_limit=60, limit_counts="invoices")
    state.add_account("bakkerij", "api-key")
    app = create_app(state)   # /api/v1/..., /_sandbox/...

Basic auth (an inactive key is refused like a wrong one), lower-case field names, errors as a bare
message, the hourly limit signalled as 403 with ``X-RateLimit-Remaining: 0``, numbers and booleans
as strings, XML unless JSON is asked for; inferred behaviour is marked where it is made.
"""
from __future__ import annotations

from flask import Flask

from worker.sandbox_faults import FaultRule
from . import api, control
from .state import Clock, FactuursturenState

__all__ = ["Clock", "DEMO_ACCOUNT", "FactuursturenState", "FaultRule", "create_app"]
# The account a developer connects with in `make run` (user name, API key).
DEMO_ACCOUNT = ("demo", "demo-factuursturen-api-key")


def create_app(state: FactuursturenState) -> Flask:
    """The sandbox as a Flask app; mount it anywhere."""
    app = Flask(__name__)
    app.config["FACTUURSTUREN_STATE"] = state
    app.register_blueprint(api.bp)
    app.register_blueprint(control.bp)
    return app
