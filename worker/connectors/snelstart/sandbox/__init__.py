"""A faithful SnelStart B2B API v2 sandbox (targets.md §3.8): the token endpoint and the API behind APIM.

Usage::

    state = SnelStartState()
    state.add_subscription_key(settings.snelstart_subscription_key)
    administration, client_key = state.add_administration("Demo BV", package="InBalans")
    app = create_app(state)   # /auth/b2b/token, /v2/..., /_sandbox/...

Inferred behaviour (the spec documents no error schema) is marked where it is made.
"""
from __future__ import annotations

from flask import Flask

from worker.sandbox_clock import Clock
from worker.sandbox_faults import FaultRule
from . import api, control
from .state import SnelStartState

__all__ = ["Clock", "DEMO_CLIENT_KEY", "FaultRule", "SnelStartState", "create_app"]
# The development stack's administration "Demo BV" (InBalans, article codes widened) answers to this key,
# so a merchant trying SnelStart locally can connect without a SnelStart account.
DEMO_CLIENT_KEY = "ZGVtbzpkZW1vLXNuZWxzdGFydC1rZXk="  # base64 of "demo:demo-snelstart-key"


def create_app(state: SnelStartState) -> Flask:
    """The sandbox as a Flask app; mount it anywhere."""
    app = Flask(__name__)
    app.config["SNELSTART_STATE"] = state
    app.register_blueprint(api.bp)
    app.register_blueprint(control.bp)
    return app
