"""Connecting a KMO Shops shop: test the API key, store it, subscribe Koppel's webhook URL."""
from __future__ import annotations

from worker import secrets
from worker.config import settings
from worker.connectors.base import Source
from worker.connectors.kmoshops.client import KmoShopsClient
from worker.models import Connection
from worker.models.base import utcnow

TOPICS = ["orders/created", "orders/updated", "orders/status_changed", "orders/cancelled"]


def test_credentials(api_key: str) -> int:
    """Raise a RemoteError when KMO Shops refuses the key; returns how many webhooks the shop has."""
    return len(KmoShopsClient(settings.kmoshops_api_url, api_key).webhooks())


def connect(source: Connection, shop_id: str, api_key: str, webhook_secret: str) -> None:
    """Store the shop's credentials and subscribe our webhook; the caller commits. RemoteError on failure."""
    KmoShopsClient(settings.kmoshops_api_url, api_key).subscribe(Source.webhook_url(source), TOPICS)
    source.settings = {**source.settings, "shop_id": shop_id}
    secrets.update(source, api_key=api_key, webhook_secret=webhook_secret)
    source.status, source.status_reason, source.status_checked_at = "connected", None, utcnow()
