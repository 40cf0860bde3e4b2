"""What the Configuration tab offers for SnelStart, from an administration's reference data.

SnelStart has no VAT codes of its own: a sales line names a VAT kind (``btwSoort`` Hoog, Laag,
Overig or Geen) and the administration's ``/btwtarieven`` say which percentage each kind has on a
date. So the "VAT codes" we offer are those kinds, plus ``Verlegd`` (a 0 % line whose booking
still carries a ``VerkopenVerlegd`` VAT entry so the return's box 3b is filled, §3.6).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from worker.connectors.base import Choice
from worker.i18n import N_

LABELS = {"Hoog": N_("High rate (Hoog)"), "Laag": N_("Low rate (Laag)"), "Overig": N_("Other rate (Overig)"),
          "Geen": N_("No VAT (Geen)"), "Verlegd": N_("Reverse charge (Verlegd)")}
ZERO_KINDS = ("Geen", "Verlegd")
# The spec's grootboekfunctie values of sales revenue (domestic, VAT-free, ICP, export, services, globalisation).
REVENUE_FUNCTIONS = frozenset({"VerkopenOmzetHoog", "VerkopenOmzetLaag", "VerkopenOmzetOverig",
                               "VerkopenOmzetOnbelastVerlegd", "VerkopenBtwVrij", "VerkopenExportBinnenEU",
                               "VerkopenExportBuitenEU", "DienstverleningBinnenEU", "VerkoopGlobalisatieLaag",
                               "VerkoopGlobalisatieHoog", "VerkoopGlobalisatieOverig"})


def _current(row: dict, today: dt.date) -> bool:
    start, end = (row.get("datumVanaf") or "")[:10], (row.get("datumTotEnMet") or "")[:10]
    return (not start or start <= today.isoformat()) and (not end or today.isoformat() <= end)


def rates(reference: dict, today: dt.date | None = None) -> dict[str, Decimal]:
    """Each VAT kind with its percentage today (21 for 21 %); Geen and Verlegd are 0 %."""
    today = today or dt.date.today()
    found = {kind: Decimal("0.00") for kind in ZERO_KINDS}
    for row in reference.get("vat_rates", []):
        if row.get("btwSoort") not in ZERO_KINDS and _current(row, today):
            found[row["btwSoort"]] = Decimal(str(row["btwPercentage"])).quantize(Decimal("0.01"))
    return found


def vat_codes(reference: dict) -> list[dict]:
    """The VAT kinds of the administration, highest first."""
    order = ("Hoog", "Laag", "Overig", "Geen", "Verlegd")
    known = rates(reference)
    return [{"value": kind, "label": LABELS[kind]} for kind in order if kind in known]


def _ledger_label(row: dict) -> str:
    return f"{row.get('nummer') or ''} {row.get('omschrijving') or ''}".strip()


def revenue_accounts(reference: dict) -> list[dict]:
    """Active revenue ledgers (picked by ``grootboekfunctie``, not by number, §3.6), stored by id."""
    rows = [row for row in reference.get("ledgers", [])
            if not row.get("nonactief") and row.get("grootboekfunctie") in REVENUE_FUNCTIONS]
    return [{"value": row["id"], "label": _ledger_label(row)} for row in sorted(rows, key=lambda r: r.get("nummer") or 0)]


def general(reference: dict) -> tuple[Choice, ...]:
    """The journal, and for sales orders the invoice layout (both optional, manual 002 §4)."""
    journals = tuple((row["id"], f"{row.get('nummer') or ''} {row.get('omschrijving') or ''}".strip())
                     for row in reference.get("journals", []) if not row.get("nonactief")
                     and row.get("soort") in ("Verkoop", "Memoriaal"))
    choices = [Choice("journal", N_("Journal (Debiteuren for sales bookings; Memo when payments are booked)"),
                      journals)]
    if reference.get("orders_allowed"):
        layouts = tuple((row["id"], row.get("omschrijving") or row["id"]) for row in reference.get("layouts", []))
        choices.append(Choice("invoice_layout", N_("Invoice layout for sales orders"), layouts))
    return tuple(choices)
