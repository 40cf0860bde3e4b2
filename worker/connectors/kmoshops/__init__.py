"""KMO Shops, as a source: signed webhooks in, REST API for back-fill and re-reading an order.

KMO Shops publishes no API, so this is our contract ``kmoshops-sim/v0``, designed from
reference/sources.md §3.2 and written down here so it can be swapped when the real one arrives:

* Webhook: POST of the full order JSON; headers ``X-KMOShops-Topic`` (orders/created, orders/updated,
  orders/status_changed, orders/cancelled), ``X-KMOShops-Shop-Id``, ``X-KMOShops-Delivery-Id``
  (the same on every retry), ``X-KMOShops-Event-Id``, ``X-KMOShops-Timestamp`` and
  ``X-KMOShops-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>." + raw body)>`` (300 s tolerance).
  Any 2xx within 5 s is success; failures are retried after 1 min, 5 min, 15 min, 1 h, 4 h, 12 h, 24 h.
* Order JSON as in sources.md §3.2, plus an optional ``payment_costs`` object (``price_excl_vat``,
  ``vat_rate``, ``price_incl_vat``) for a surcharge on the payment method, booked like shipping.
* REST: ``GET /v1/orders?updated_since=&status=&page=&per_page<=100``, ``GET /v1/orders/{id}``,
  ``/v1/webhooks``; ``Authorization: Bearer <API key>``; 2 requests/s, burst 40, 429 + Retry-After;
  errors as ``{"error": {"code", "message", "details"}}``.
"""
from __future__ import annotations

from worker.config import settings as app_settings
from worker.connectors.base import Setting, Source
from worker.connectors.kmoshops.client import KmoShopsClient
from worker.connectors.kmoshops.mapping import identity, to_canonical
from worker.i18n import N_

CONTRACT = "kmoshops-sim/v0"
STATUS_LABELS = {
    "pending_payment": N_("Awaiting payment"), "paid": N_("Paid"), "processing": N_("Processing"),
    "shipped": N_("Shipped"), "picked_up": N_("Picked up"), "completed": N_("Completed"),
    "cancelled": N_("Cancelled"), "refunded": N_("Refunded"),
}
STATUSES = tuple(STATUS_LABELS)


class KmoShopsSource(Source):
    """KMO Shops (BE): webhooks on new and changed orders."""

    key = "kmoshops"
    name = "KMO Shops"
    settings_schema = (
        Setting("shop_id", "Shop id"),
        Setting("transfer_statuses", "Statuses that transfer an order", default="paid"),
        Setting("api_key", "API key", secret=True),
        Setting("webhook_secret", "Webhook signing secret", secret=True),
    )
    statuses = STATUSES
    status_labels = STATUS_LABELS
    cancelled_statuses = frozenset({"cancelled", "refunded"})
    to_canonical = staticmethod(to_canonical)
    identity = staticmethod(identity)

    @staticmethod
    def client(connection, api_key: str) -> KmoShopsClient:
        return KmoShopsClient(app_settings.kmoshops_api_url, api_key)

    @classmethod
    def transfer_statuses(cls, connection) -> set[str]:
        """The statuses the merchant chose; cancelled ones never count, even if saved by an older version."""
        value = connection.settings.get("transfer_statuses") or "paid"
        return set(value if isinstance(value, list) else value.split(",")) - cls.cancelled_statuses
