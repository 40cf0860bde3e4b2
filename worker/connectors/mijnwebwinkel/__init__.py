"""Mijnwebwinkel (MyOnlineStore Connect, sources.md §2), as a polled source.

Nothing is pushed: every day, at a time of its own in the night, each connection fetches the orders
whose status changed since the last run and re-reads those fetched earlier and not yet transferred
(worker.pipeline.polling). The merchant gives a store token made for Koppel as partner; Koppel's
partner token comes from the environment (``MIJNWEBWINKEL_PARTNER_TOKEN``). Both go as query
parameters and are never logged or shown.
"""
from __future__ import annotations

import datetime as dt

from worker import secrets
from worker.connectors.base import Setting, Source
from worker.connectors.errors import RemoteRejected
from worker.connectors.mijnwebwinkel.client import MijnwebwinkelClient
from worker.connectors.mijnwebwinkel.mapping import identity, skip_reason, to_canonical
from worker.i18n import N_

# The statuses of a new store (sources.md §2.6); a connected store's own come from /v1/orderstatuses.
STATUS_LABELS = {"1": N_("New"), "2": N_("Shipped"), "3": N_("Paid"), "4": N_("Processing"), "5": N_("Cancelled"),
                 "6": N_("Paid and picked up"), "7": N_("Paid and shipped"), "10": N_("Credit note")}
# The manual's defaults (manual 001 §6), matched on the store's own descriptions.
DEFAULT_DESCRIPTIONS = {"betaald", "verzonden", "betaald en verzonden", "betaald & verzonden"}
CANCELLED_WORDS = ("geannuleerd", "cancelled", "canceled")


class MijnwebwinkelSource(Source):
    """Mijnwebwinkel (NL): orders fetched daily with the store's API token."""

    key = "mijnwebwinkel"
    name = "Mijnwebwinkel"
    arrival = "poll"
    poll_interval = dt.timedelta(days=1)
    connect_kind = "key"
    connect_help = N_("Koppel reads your orders with an API token of your store. Make it in your store's back "
                      "office under Instellingen > API > Token toevoegen.")
    settings_schema = (
        Setting("api_key", N_("API token"), secret=True, asked=True,
                help=N_("Instellingen > API > Token toevoegen. As partner choose Koppel, not the name of your "
                        "accounting software: a token made for another partner does not work here. Set it to "
                        "active, save, press Toon token and copy it here.")),
        Setting("transfer_statuses", "Statuses that transfer an order", default="3,2,7"),
    )
    statuses = tuple(STATUS_LABELS)
    status_labels = STATUS_LABELS
    cancelled_statuses = frozenset({"5"})
    to_canonical = staticmethod(to_canonical)
    identity = staticmethod(identity)
    skip_reason = staticmethod(skip_reason)

    @classmethod
    def client(cls, connection, api_key: str) -> MijnwebwinkelClient:
        """A client for the connection's store (its calls kept in the order's call log, tokens blanked)."""
        return MijnwebwinkelClient(api_key, tenant_id=connection.tenant_id, connection_id=connection.id)

    @classmethod
    def reader(cls, connection) -> MijnwebwinkelClient:
        """Reads the connection's orders with its stored token."""
        return cls.client(connection, secrets.read(connection)["api_key"])

    @classmethod
    def test_credentials(cls, values: dict[str, str]) -> None:
        """The store answers with this token and Koppel's partner token (RemoteError when it refuses)."""
        MijnwebwinkelClient(values["api_key"].strip()).store()

    @classmethod
    def connect(cls, connection, values: dict[str, str]) -> None:
        """Store the token, read the store's own statuses and tick the manual's defaults among them."""
        token = values["api_key"].strip()
        client = MijnwebwinkelClient(token)
        store, statuses = client.store(), client.statuses()
        secrets.write(connection, {"api_key": token})
        rows = [[str(s["status"]), str(s.get("description") or s["status"]), bool(s.get("credit_order"))]
                for s in statuses if isinstance(s, dict) and "status" in s]
        chosen = connection.settings.get("store_statuses") and connection.settings.get("transfer_statuses")
        defaults = [row[0] for row in rows if row[1].strip().lower() in DEFAULT_DESCRIPTIONS and not row[2]]
        connection.settings = {**connection.settings, "store_name": store.get("name", ""), "store_statuses": rows,
                               "transfer_statuses": chosen or ",".join(defaults)}
        connection.status, connection.status_reason = "connected", None

    @classmethod
    def refusal(cls, exc) -> str:
        """A refused token is nearly always one made for another partner, or not active."""
        if isinstance(exc, RemoteRejected) and exc.status in (401, 403):
            return N_("%(system)s refused this API token (%(error)s). Check that you chose Koppel as partner when "
                      "you made it (not your accounting software), that it is active, and that you copied all of it.")
        return super().refusal(exc)

    @classmethod
    def status_labels_for(cls, connection) -> dict[str, str]:
        """The store's own statuses in its own words (Dutch), as read when connecting."""
        rows = (connection.settings or {}).get("store_statuses") if connection is not None else None
        return {row[0]: row[1] for row in rows} if rows else cls.status_labels

    @classmethod
    def transferable_statuses(cls, connection=None) -> tuple[str, ...]:
        """Every status but cancelled ones and those that mark a credit order."""
        rows = (connection.settings or {}).get("store_statuses") if connection is not None else None
        if not rows:
            return super().transferable_statuses(connection)
        return tuple(row[0] for row in rows if not row[2] and row[0] not in cls._cancelled(rows))

    @classmethod
    def _cancelled(cls, rows: list) -> set[str]:
        return set(cls.cancelled_statuses) | {row[0] for row in rows if row[1].strip().lower() in CANCELLED_WORDS}

    @classmethod
    def transfer_statuses(cls, connection) -> set[str]:
        """The statuses the merchant chose, never a cancelled or credit-order one."""
        value = connection.settings.get("transfer_statuses") or ""
        chosen = set(value if isinstance(value, list) else value.split(",")) - {""}
        return chosen & set(cls.transferable_statuses(connection))
