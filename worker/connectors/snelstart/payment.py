"""The payment of a paid order as a SnelStart memorial booking (memoriaalboeking) that clears its sales booking.

Manual 002: booking payments needs the journal Memo. The spec has no payment call for sales bookings; its
POST /memoriaalboekingen (MemoriaalboekingModel: ``datum`` and ``dagboek`` required) takes ledger lines
(``memoriaalBoekingsRegels``: grootboek, debet, credit) and lines on sales bookings
(``verkoopboekingBoekingsRegels``: boekingId, omschrijving, bedrag). So the payment is one memorial booking
in the chosen memorial journal with
* a ledger line debiting the ledger the money is received on: the payment method's own (Configuration,
  payment methods: e.g. its provider's clearing account), else the general payment ledger, and
* a line on the order's sales booking for the same amount, which credits the debtor and settles the invoice.
Inferred, as the spec documents no meaning: a positive ``bedrag`` on a sales-booking line is money received
on it, and a memorial booking must balance: Σ (debet − credit) of the ledger lines = Σ bedrag of the
sales-booking lines. The date is the order date (the canonical order has no payment date).

Money: the amount is the order's total incl. VAT, the sales booking's factuurbedrag, already in cents;
nothing is rounded. A negative total (never sent today) would credit the ledger instead.

Exactly once: ``boekstuk`` is our reference (at most 25 characters, as the invoice number). Before a
payment is sent it is looked up by that boekstuk among the ledger mutations of its journal
(GET /grootboekmutaties?$filter=boekstuk eq '…'; that boekstuk is filterable there is inferred).
"""
from __future__ import annotations

from decimal import Decimal

from worker.canonical import Order

PATH = "memoriaalboekingen"
MUTATIONS = "grootboekmutaties"
ZERO = Decimal("0.00")


def due(order: Order, settings: dict) -> bool:
    """Whether this order's payment is booked: payments on, the shop holds the money, and there is an amount."""
    return bool(settings.get("book_payments")) and order.paid and order.total_incl != ZERO


def boekstuk(reference: str) -> str:
    return reference[:25]


def description(order: Order) -> str:
    return " / ".join(["Betaling " + order.number] + ([order.payment_method] if order.payment_method else []))[:250]


def payload(order: Order, reference: str, booking_id: str, settings: dict) -> dict:
    """The POST /memoriaalboekingen body: the payment ledger debited, the sales booking settled."""
    amount = order.total_incl
    text = description(order)
    ledger = (settings.get("payment_ledgers") or {}).get(order.payment_method) or settings.get("payment_ledger")
    return {"datum": f"{order.date.isoformat()}T00:00:00", "dagboek": {"id": settings.get("journal")},
            "boekstuk": boekstuk(reference), "omschrijving": text,
            "memoriaalBoekingsRegels": [{"omschrijving": text, "grootboek": {"id": ledger},
                                         "debet": float(max(amount, ZERO)), "credit": float(max(-amount, ZERO))}],
            "verkoopboekingBoekingsRegels": [{"boekingId": {"id": booking_id}, "omschrijving": text,
                                              "bedrag": float(amount)}]}


def booked(mutations: list[dict], journal: str) -> bool:
    """Whether the ledger mutations found by our boekstuk hold a payment in the payments journal."""
    return any((row.get("dagboek") or {}).get("id") == journal for row in mutations)
