"""Canonical order → SnelStart verkoopboeking (sales booking), field by field as manual 002 §6 lists them.

Money rule: nothing is rounded here. The shop's amounts are already in cents; each order line
adds its amount excl. VAT, taken as ``total_incl − vat_amount`` (so a line always splits its own
total exactly), to the booking line of its revenue ledger and VAT kind, and its VAT to the
``btw`` entry of that kind. ``factuurbedrag`` is the order total incl. VAT, which the pre-check
made equal to the sum of the lines' totals; so factuurbedrag = Σ boekingsregels.bedrag +
Σ btw.btwBedrag to the cent, which SnelStart requires (iwd-nl "in balance", targets.md §3.6).
VAT amounts are never on the lines: they go in ``btw``, one entry per kind (§3.5). Foreign VAT (OSS)
is the exception the accountant expects: it is a line of its own on the OSS VAT ledger, never a Dutch
``btw`` entry (the rule is in oss.py); factuurbedrag still equals Σ lines + Σ btw to the cent.
"""
from __future__ import annotations

from decimal import Decimal

from worker.canonical import Order
from worker.connectors.snelstart import oss
from worker.vat_map import vat_row

PATH = "verkoopboekingen"
PAYMENT_TERM_DAYS = 14  # manual 002: "Betalingstermijn: 14, dit kan niet aangepast worden"
# The VAT kind on a line (Geen, Laag, Hoog, Overig) and the booking's VAT entry kind of each kind we offer.
LINE_KIND = {"Hoog": "Hoog", "Laag": "Laag", "Overig": "Overig", "Geen": "Geen", "Verlegd": "Geen"}
VAT_ENTRY = {"Hoog": "VerkopenHoog", "Laag": "VerkopenLaag", "Overig": "VerkopenOverig",
             "Verlegd": "VerkopenVerlegd"}
ZERO = Decimal("0.00")


def num(amount: Decimal) -> float:
    """A JSON number for an amount already in cents (a float of two decimals prints exactly as typed)."""
    return float(amount)


def invoice_number(reference: str) -> str:
    """Our reference as SnelStart's factuurnummer (at most 25 characters): what a lookup finds it by."""
    return reference[:25]


def description(order: Order) -> str:
    """Manual 002: "bestelnummer / factuurnummer / betaalmethode indien aanwezig"."""
    parts = [order.number] + ([order.payment_method] if order.payment_method else [])
    return " / ".join(parts)[:250]


def lines_and_vat(order: Order, settings: dict) -> tuple[list[dict], list[dict]]:
    """The booking lines per (ledger, VAT kind) and the VAT entries per kind; OSS VAT as lines (oss.py)."""
    text = f"Bestelling {order.number}"[:250]
    regels: dict[tuple[str, str | None, str], Decimal] = {}
    vat: dict[str, Decimal] = {}
    for line in order.lines:
        row = vat_row(settings, order, line, need_account=True)
        oss.check_row(order, line, row)
        kind = row["vat_code"]
        net_key = (row["gl_account"], "Geen" if oss.is_oss(kind) else LINE_KIND.get(kind, kind), text)
        regels[net_key] = regels.get(net_key, ZERO) + (line.total_incl - line.vat_amount)
        if oss.is_oss(kind):
            # No btwSoort on the VAT line: the spec lets it stay empty, and it is no Dutch VAT.
            vat_key = (oss.vat_ledger(settings, order, line), None, oss.vat_text(order, line))
            regels[vat_key] = regels.get(vat_key, ZERO) + line.vat_amount
        elif kind in VAT_ENTRY:
            vat[VAT_ENTRY[kind]] = vat.get(VAT_ENTRY[kind], ZERO) + line.vat_amount
    booked = [{"grootboek": {"id": ledger}, "omschrijving": words, "bedrag": num(amount),
               **({"btwSoort": kind} if kind else {})} for (ledger, kind, words), amount in regels.items()]
    # A reverse-charge entry of 0.00 is still sent so the VAT return's box is filled (§3.6).
    entries = [{"btwSoort": kind, "btwBedrag": num(amount)} for kind, amount in vat.items()
               if amount != 0 or kind == "VerkopenVerlegd"]
    return booked, entries


def payload(order: Order, reference: str, customer_id: str, settings: dict) -> dict:
    """The POST /verkoopboekingen body."""
    booked, entries = lines_and_vat(order, settings)
    return {"factuurnummer": invoice_number(reference), "klant": {"id": customer_id},
            "factuurdatum": f"{order.date.isoformat()}T00:00:00", "omschrijving": description(order),
            "factuurbedrag": num(order.total_incl), "betalingstermijn": PAYMENT_TERM_DAYS,
            "boekingsregels": booked, "btw": entries}


def balance(body: dict) -> Decimal:
    """factuurbedrag − (Σ lines + Σ VAT): zero for every booking we send."""
    lines = sum((Decimal(str(r["bedrag"])) for r in body["boekingsregels"]), ZERO)
    vat = sum((Decimal(str(e["btwBedrag"])) for e in body["btw"]), ZERO)
    return Decimal(str(body["factuurbedrag"])) - lines - vat
