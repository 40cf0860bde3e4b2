"""What the Configuration tab offers for SnelStart, from an administration's reference data.

SnelStart has no VAT codes of its own: a sales line names a VAT kind (``btwSoort`` Hoog, Laag,
Overig or Geen) and the administration's ``/btwtarieven`` say which percentage each kind has on a
date. So the "VAT codes" we offer are those kinds, plus ``Verlegd`` (a 0 % line whose booking
still carries a ``VerkopenVerlegd`` VAT entry so the return's box 3b is filled, §3.6), plus one OSS
code per foreign EU rate for foreign VAT, which is never a Dutch kind (oss.py has the rule).

Payments (manual 002: "Dagboek ... verplicht als je betalingen wilt doorboeken, en vul je Memo in"):
booking them needs a memorial journal (``soort`` Memoriaal from /dagboeken) and the ledger the money
is received on; ``check_general`` says so when either is missing. A sales booking itself takes no journal
(the spec's VerkoopboekingModel has no ``dagboek``: SnelStart books it in its sales journal), so for
bookings alone the journal stays optional, as the manual says.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from worker.connectors.base import Choice
from worker.connectors.snelstart import oss
from worker.i18n import N_

LABELS = {"Hoog": N_("High rate (Hoog)"), "Laag": N_("Low rate (Laag)"), "Overig": N_("Other rate (Overig)"),
          "Geen": N_("No VAT (Geen)"), "Verlegd": N_("Reverse charge (Verlegd)")}
ZERO_KINDS = ("Geen", "Verlegd")
# The spec's grootboekfunctie values of sales revenue (domestic, VAT-free, ICP, export, services, globalisation).
REVENUE_FUNCTIONS = frozenset({"VerkopenOmzetHoog", "VerkopenOmzetLaag", "VerkopenOmzetOverig",
                               "VerkopenOmzetOnbelastVerlegd", "VerkopenBtwVrij", "VerkopenExportBinnenEU",
                               "VerkopenExportBuitenEU", "DienstverleningBinnenEU", "VerkoopGlobalisatieLaag",
                               "VerkoopGlobalisatieHoog", "VerkoopGlobalisatieOverig",
                               # distance sales within the EU: the revenue ledgers of OSS sales
                               "InstallatieTeleverkoopBinnenEUgeen"})
MEMORIAL = "Memoriaal"


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
    return {**found, **oss.code_rates()}


def vat_codes(reference: dict) -> list[dict]:
    """The VAT kinds of the administration, highest first."""
    order = ("Hoog", "Laag", "Overig", "Geen", "Verlegd")
    known = rates(reference)
    return ([{"value": kind, "label": LABELS[kind]} for kind in order if kind in known]
            + [{"value": code, "label": oss.label(code)} for code in oss.code_rates()])


def _ledger_label(row: dict) -> str:
    return f"{row.get('nummer') or ''} {row.get('omschrijving') or ''}".strip()


def revenue_accounts(reference: dict) -> list[dict]:
    """Active revenue ledgers (picked by ``grootboekfunctie``, not by number, §3.6), stored by id."""
    rows = [row for row in reference.get("ledgers", [])
            if not row.get("nonactief") and row.get("grootboekfunctie") in REVENUE_FUNCTIONS]
    return [{"value": row["id"], "label": _ledger_label(row)} for row in sorted(rows, key=lambda r: r.get("nummer") or 0)]


def balance_ledgers(reference: dict) -> tuple[tuple[str, str], ...]:
    rows = [row for row in reference.get("ledgers", []) if not row.get("nonactief")
            and row.get("rekeningCode") == "Balans"]
    return tuple((row["id"], _ledger_label(row)) for row in sorted(rows, key=lambda r: r.get("nummer") or 0))


def general(reference: dict) -> tuple[Choice, ...]:
    """The journal, payments, the OSS VAT ledger, and for sales orders the invoice layout (manual 002 §4)."""
    journals = tuple((row["id"], f"{row.get('nummer') or ''} {row.get('omschrijving') or ''}".strip())
                     for row in reference.get("journals", []) if not row.get("nonactief")
                     and row.get("soort") in ("Verkoop", MEMORIAL))
    ledgers = balance_ledgers(reference)
    choices = [Choice("journal", N_("Journal (Debiteuren for sales bookings; Memo when payments are booked)"),
                      journals),
               Choice("book_payments", N_("Book the payment of paid orders"),
                      (("yes", N_("Yes, as a memorial booking in the journal above")),)),
               Choice("payment_ledger", N_("Ledger the payments are received on (bank or clearing account)"),
                      ledgers),
               Choice("oss_vat_ledger", N_("Ledger for foreign VAT (OSS), kept out of the Dutch VAT return"),
                      ledgers)]
    if reference.get("orders_allowed"):
        layouts = tuple((row["id"], row.get("omschrijving") or row["id"]) for row in reference.get("layouts", []))
        choices.append(Choice("invoice_layout", N_("Invoice layout for sales orders"), layouts))
    return tuple(choices)


def check_general(form: dict, reference: dict) -> dict[str, str]:
    """Booking payments needs a memorial (Memo) journal, the ledger the money comes in on, and sales bookings."""
    if not form.get("book_payments"):
        return {}
    errors = {}
    journal = next((row for row in reference.get("journals", []) if row["id"] == form.get("journal")), None)
    if journal is None or journal.get("soort") != MEMORIAL:
        errors["journal"] = N_("Booking payments needs a memorial journal: choose Memo (Memoriaal) as the "
                               "journal, or do not book payments.")
    if not form.get("payment_ledger"):
        errors["payment_ledger"] = N_("Booking payments needs the ledger the payments are received on.")
    if form.get("document_type") != "entry":
        errors["book_payments"] = N_("Payments are booked against sales bookings: create sales bookings, or do "
                                     "not book payments.")
    return errors
