"""The development demo: a merchant with a sandbox shop and a sandbox Exact division, connected.

Used by ``make run`` (seed) and by the portal's "Generate demo order" button. Everything here
talks to the sandboxes over HTTP, exactly as it would to the real systems.
"""
from __future__ import annotations

import re

import requests
import sqlalchemy as sa

from worker import db, secrets
from worker.config import settings
from worker.connectors.exact import ExactOnlineTarget, oauth, tokens
from worker.models import Connection, Tenant, User
from worker.passwords import hash_password

DEMO_EMAIL = "demo@koppel.test"
DEMO_PASSWORD = "demo-koppel-2026"
DEMO_SHOP = {"shop_id": "demo-shop", "api_key": "demo-shop-api-key", "webhook_secret": "demo-shop-webhook-secret"}
EXACT_DEMO_USER = ("demo@koppel.test", "demo")


def kmoshops_sandbox_url() -> str:
    return settings.kmoshops_api_url.rsplit("/v1", 1)[0]


def create_demo_order(shop_id: str, kind: str = "b2c") -> dict:
    """Place an order in the sandbox shop; the shop then sends its webhook to Koppel."""
    response = requests.post(f"{kmoshops_sandbox_url()}/_sandbox/shops/{shop_id}/orders",
                             json={"kind": kind, "status": "paid"}, timeout=settings.http_timeout)
    response.raise_for_status()
    return response.json()


def authorize_in_sandbox(redirect_uri: str, username: str, password: str) -> dict:
    """Log in at the Exact sandbox's consent page like a merchant would, and exchange the code."""
    url, state, verifier = oauth.authorization_url(settings.exact_base_url, redirect_uri)
    http = requests.Session()
    page = http.get(url, timeout=settings.http_timeout)
    page.raise_for_status()
    form = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', page.text))
    form.update(username=username, password=password)
    answer = http.post(page.url, data=form, allow_redirects=False, timeout=settings.http_timeout)
    code = re.search(r"[?&]code=([^&]+)", answer.headers.get("Location", ""))
    if answer.status_code != 302 or not code:
        raise RuntimeError(f"Exact sandbox login failed ({answer.status_code})")
    return oauth.exchange_code(settings.exact_base_url, redirect_uri, requests.utils.unquote(code.group(1)), verifier)
