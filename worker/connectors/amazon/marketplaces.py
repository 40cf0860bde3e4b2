"""Amazon's EU marketplaces Koppel offers, and the order statuses as merchants know them (sources.md §1.3, §1.7)."""
from __future__ import annotations

from worker.i18n import N_

# One marketplace per connection, chosen at installation (manual 002): the Netherlands or Germany.
MARKETPLACES = {"NL": "A1805IZSGTT6HS", "DE": "A1PA6795UKMFR9"}
MARKETPLACE_LABELS = {"NL": N_("Amazon.nl (the Netherlands)"), "DE": N_("Amazon.de (Germany)")}
COUNTRY_OF = {marketplace_id: country for country, marketplace_id in MARKETPLACES.items()}

# The statuses under the names Seller Central and manual 002 use, in the order an order passes them.
# Orders API v2026-01-01 spells them upper-snake (``fulfillment.fulfillmentStatus``); InvoiceUnconfirmed
# has no v2026 status of its own: it is a SHIPPED order whose invoice Amazon still waits for
# (``tax.taxInvoicing.invoiceStatus``, Easy Ship orders).
STATUS_LABELS = {
    "PendingAvailability": N_("Pending availability (pre-order)"),
    "Pending": N_("Pending (not yet paid)"),
    "Unshipped": N_("Unshipped (paid)"),
    "PartiallyShipped": N_("Partially shipped"),
    "Shipped": N_("Shipped"),
    "InvoiceUnconfirmed": N_("Shipped, invoice unconfirmed"),
    "Canceled": N_("Canceled"),
    "Unfulfillable": N_("Unfulfillable"),
    # Not Amazon's: an order Amazon lists without amounts yet (Pending orders carry no prices).
    # It waits in Open and is never transferred in this state; with its prices it moves on.
    "AwaitingPrices": N_("Waiting for Amazon's prices"),
}
FROM_V2026 = {"PENDING_AVAILABILITY": "PendingAvailability", "PENDING": "Pending", "UNSHIPPED": "Unshipped",
              "PARTIALLY_SHIPPED": "PartiallyShipped", "SHIPPED": "Shipped", "CANCELLED": "Canceled",
              "UNFULFILLABLE": "Unfulfillable"}
CANCELLED = frozenset({"Canceled", "Unfulfillable"})
# The life cycle: a status chosen for transfer also lets every later one through, because an hourly
# poll can miss a status altogether (Pending at 10:05, Unshipped at 10:20, seen at 11:00): an order
# that reached Shipped has passed Pending. Transferred once, whichever comes first.
LIFE_CYCLE = ("PendingAvailability", "Pending", "Unshipped", "PartiallyShipped", "InvoiceUnconfirmed", "Shipped")
INVOICE_WAITING = frozenset({"NOT_FOUND", "PROCESSING", "ERRORED"})
DEFAULT_TRANSFER = "Shipped"


def status_of(order: dict) -> str:
    """The merchant's name of an order's status (``fulfillment.fulfillmentStatus``), "" when absent."""
    fulfillment = order.get("fulfillment") if isinstance(order.get("fulfillment"), dict) else {}
    raw = fulfillment.get("fulfillmentStatus")
    status = FROM_V2026.get(raw, raw if isinstance(raw, str) else "")
    invoicing = ((order.get("tax") or {}).get("taxInvoicing") or {}) if isinstance(order.get("tax"), dict) else {}
    if status == "Shipped" and invoicing.get("invoiceStatus") in INVOICE_WAITING:
        return "InvoiceUnconfirmed"
    return status


def with_later(chosen: set[str]) -> set[str]:
    """The chosen statuses and every status after the earliest of them in the life cycle."""
    positions = [LIFE_CYCLE.index(s) for s in chosen if s in LIFE_CYCLE]
    later = set(LIFE_CYCLE[min(positions):]) if positions else set()
    return (set(chosen) | later) - CANCELLED - {"AwaitingPrices"}
