"""What went into the books: the order's lines, VAT and totals as sent, kept with its posting.

The order page cannot re-read the stored payload to show what was booked: the reading depends on the
merchant's VAT table of today (VAT a source left unstated is split at their selling rates), on
the mapping code of today, and a payload may still change while a sent document's outcome is in
doubt. So the part of the canonical order the page shows is kept as it left (``postings.booked``,
written with ``last_request`` in the same commit): a snapshot, not the selling rates used, because
only the snapshot stays right whatever changes later. Amounts are strings, so Decimal stays Decimal.
"""
from __future__ import annotations

import dataclasses
from decimal import Decimal

from worker.canonical import Line, Note
from worker.canonical import Order as CanonicalOrder

VERSION = 1  # a later shape of the snapshot reads its own version; an unknown one is not shown
_DECIMALS = ("quantity", "unit_price_incl", "unit_price_excl", "vat_rate", "total_incl", "total_excl", "vat_amount")


@dataclasses.dataclass(frozen=True)
class Booked:
    """The booked part of a canonical order, under the same names (the order page reads either)."""

    currency: str
    lines: tuple[Line, ...]
    total_incl: Decimal
    vat_total: Decimal
    vat_notes: tuple[Note, ...] = ()


def snapshot(order: CanonicalOrder) -> dict:
    """The JSON kept with the posting: what ``read`` gives back."""
    return {"version": VERSION, "currency": order.currency, "total_incl": str(order.total_incl),
            "vat_total": str(order.vat_total),
            "lines": [{name: str(value) if isinstance(value, Decimal) else value
                       for name, value in dataclasses.asdict(line).items()} for line in order.lines],
            "vat_notes": [{"text": note.text, "values": [list(pair) for pair in note.values]}
                          for note in order.vat_notes]}


def read(data: dict | None) -> Booked | None:
    """The snapshot as it was booked; None when there is none (posted before Koppel kept it)."""
    if not data or data.get("version") != VERSION:
        return None
    lines = tuple(Line(**{name: Decimal(value) if name in _DECIMALS else value for name, value in line.items()})
                  for line in data["lines"])
    notes = tuple(Note(note["text"], tuple((key, value) for key, value in note["values"]))
                  for note in data["vat_notes"])
    return Booked(data["currency"], lines, Decimal(data["total_incl"]), Decimal(data["vat_total"]), notes)
