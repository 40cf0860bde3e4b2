"""KMO Shops sandbox: the shop platform of Koppel's assumed contract ``kmoshops-sim/v0``.

It stores shops and orders (``KmoShopsState``), serves the REST API and control endpoints
(``create_app``), sends signed webhooks with retries on an injectable clock (``WebhookSender``) and
generates realistic, internally consistent orders (``generate_order``).
"""
from __future__ import annotations

from flask import Flask
from werkzeug.exceptions import HTTPException

from worker.connectors.kmoshops.sandbox import api
from worker.connectors.kmoshops.sandbox import control
from worker.connectors.kmoshops.sandbox.clock import Clock
from worker.connectors.kmoshops.sandbox.contract import CONTRACT
from worker.connectors.kmoshops.sandbox.contract import TOPICS
from worker.connectors.kmoshops.sandbox.errors import http_error
from worker.connectors.kmoshops.sandbox.generator import KINDS
from worker.connectors.kmoshops.sandbox.generator import STATUSES
from worker.connectors.kmoshops.sandbox.generator import generate_order
from worker.connectors.kmoshops.sandbox.sender import WebhookSender
from worker.connectors.kmoshops.sandbox.state import KmoShopsState

__all__ = ["CONTRACT", "KINDS", "STATUSES", "TOPICS", "Clock", "KmoShopsState", "WebhookSender",
           "create_app", "generate_order"]


def create_app(state: KmoShopsState, sender: WebhookSender | None = None) -> Flask:
    """The sandbox as a WSGI app: ``/v1`` REST API and ``/_sandbox`` control endpoints.

    ``sender`` gives replays, bursts and ``/_sandbox/deliveries/run`` their timeout and retry
    policy; without one an unstarted default sender is used.
    """
    app = Flask(__name__)
    app.json.sort_keys = False  # keep the order JSON in the contract's field order
    app.json.ensure_ascii = False
    app.extensions["kmoshops_sandbox"] = state
    app.extensions["kmoshops_sender"] = sender or WebhookSender(state)
    app.register_error_handler(HTTPException, http_error)
    app.register_blueprint(api.bp)
    app.register_blueprint(control.bp)
    return app
