"""Amazon sandbox: Login with Amazon (consent page, token endpoint) and the Orders API v2026-01-01.

Mounted at ``/amazon`` (worker/sandboxes.py): ``/sellercentral/apps/authorize/consent``,
``/lwa/auth/o2/token``, ``/sp/orders/2026-01-01/orders[/<id>]`` and the ``/_sandbox`` control
endpoints. It enforces sources.md §1.11 as far as v2026-01-01 goes: token expiry and grants that
stop, the search rules, paging, the visibility lag, token buckets with 429 QuotaExceeded and
``x-amzn-RateLimit-Limit``, no prices while Pending, PII only with the app's roles.
"""
from __future__ import annotations

from flask import Flask

from worker.connectors.amazon.sandbox import api, control, lwa, storage
from worker.connectors.amazon.sandbox.state import AmazonState
from worker.sandbox_clock import Clock

__all__ = ["AmazonState", "Clock", "create_app", "storage"]


def create_app(state: AmazonState) -> Flask:
    """The sandbox as a WSGI app."""
    app = Flask(__name__)
    app.json.sort_keys = False
    app.extensions["amazon_sandbox"] = state
    for blueprint in (api.bp, lwa.bp, control.bp):
        app.register_blueprint(blueprint)
    return app
