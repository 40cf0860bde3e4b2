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

import time

from worker import secrets
from worker.config import settings as app_settings
from worker.connectors.base import Setting, Source
from worker.connectors.errors import RemoteRejected
from worker.connectors.kmoshops import setup, signature
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
        Setting("shop_id", N_("Shop id"), asked=True),
        Setting("transfer_statuses", N_("Statuses that transfer an order"), default="paid"),
        Setting("api_key", N_("API key"), secret=True, asked=True),
        Setting("webhook_secret", N_("Webhook secret"), secret=True, asked=True),
    )
    connect_help = N_("In your KMO Shops back office, open the Koppel app and copy the shop id, the API key "
                      "and the webhook secret.")
    statuses = STATUSES
    status_labels = STATUS_LABELS
    cancelled_statuses = frozenset({"cancelled", "refunded"})
    order_topics = frozenset(setup.TOPICS)
    demo_orders = True
    to_canonical = staticmethod(to_canonical)
    identity = staticmethod(identity)

    @classmethod
    def reader(cls, connection) -> KmoShopsClient:
        """The shop's REST API, read with the connection's API key."""
        return KmoShopsClient(app_settings.kmoshops_api_url, secrets.read(connection).get("api_key", ""))

    @classmethod
    def test_credentials(cls, values: dict[str, str]) -> None:
        setup.test_credentials(values.get("api_key", ""))

    @classmethod
    def connect(cls, connection, values: dict[str, str]) -> None:
        setup.connect(connection, values["shop_id"], values["api_key"], values["webhook_secret"])

    @classmethod
    def refusal(cls, exc) -> str:
        if isinstance(exc, RemoteRejected) and exc.status in (401, 403):
            return N_("KMO Shops refused this API key. Copy it again from the app settings in your KMO Shops "
                      "back office.")
        return N_("We could not reach KMO Shops just now (%(error)s). Try again in a minute.")

    @classmethod
    def verify_delivery(cls, connection, headers, body: bytes) -> bool:
        """``X-KMOShops-Signature`` over the raw body with the connection's webhook secret (300 s tolerance)."""
        secret = secrets.read(connection).get("webhook_secret", "")
        try:
            return bool(secret) and signature.verify(secret, headers.get("X-KMOShops-Signature"), body, time.time())
        except (ValueError, TypeError, OverflowError):  # a hostile header is a bad signature, never a 500
            return False

    @classmethod
    def delivery_key(cls, headers, body: bytes) -> tuple[str | None, str]:
        return headers.get("X-KMOShops-Delivery-Id"), headers.get("X-KMOShops-Topic") or ""

    @classmethod
    def transfer_statuses(cls, connection) -> set[str]:
        """The statuses the merchant chose; cancelled ones never count, even if saved by an older version."""
        value = connection.settings.get("transfer_statuses") or "paid"
        return set(value if isinstance(value, list) else value.split(",")) - cls.cancelled_statuses
