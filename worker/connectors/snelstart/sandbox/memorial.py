"""POST /memoriaalboekingen as SnelStart checks it, and the /grootboekmutaties it leaves (payments, payment.py).

Per the spec's MemoriaalboekingModel: ``datum`` and ``dagboek`` required, ``boekstuk`` ≤ 25 and
``omschrijving`` ≤ 250; ledger lines need ``omschrijving`` and ``grootboek``; sales-booking lines need
``boekingId``, ``omschrijving`` and ``bedrag``. Inferred (the spec states no rules): the journal must
exist, be active and be a memorial journal; ledgers must exist and be active; the booking must balance
(Σ debet − credit = Σ sales-booking bedrag − Σ purchase-booking bedrag, to the cent); a sales-booking
line lowers that invoice's ``openstaandSaldo``; a boekstuk is unique within its journal.
"""
from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation

from .errors import validation

CENT = Decimal("0.01")
DEBTORS = 1300  # the seed's Debiteuren ledger, where the sales-booking lines land


def _ref(body: dict, name: str) -> str | None:
    value = body.get(name)
    return value.get("id") if isinstance(value, dict) else None


def _amount(value, field: str, problems: list) -> Decimal:
    try:
        return Decimal(str(value if value is not None else 0))
    except (InvalidOperation, ValueError):
        problems.append((f"Memoriaalboeking.{field}", f"'{value}' is geen geldig bedrag."))
        return Decimal(0)


def _head(admin: dict, body: dict, problems: list) -> None:
    if not body.get("datum"):
        problems.append(("Memoriaalboeking.Datum", "Datum is verplicht."))
    journal = admin["dagboeken"].get(_ref(body, "dagboek") or "")
    if journal is None or journal["nonactief"] or journal["soort"] != "Memoriaal":
        problems.append(("Memoriaalboeking.Dagboek", "Het dagboek bestaat niet of is geen memoriaaldagboek."))
    if len(str(body.get("boekstuk") or "")) > 25:
        problems.append(("Memoriaalboeking.Boekstuk", "Maximaal 25 tekens."))
    if len(body.get("omschrijving") or "") > 250:
        problems.append(("Memoriaalboeking.Omschrijving", "Maximaal 250 tekens."))
    if body.get("boekstuk") and any(row.get("boekstuk") == body["boekstuk"] and _ref(row, "dagboek") ==
                                    _ref(body, "dagboek") for row in admin.get("memoriaalboekingen", {}).values()):
        problems.append(("Memoriaalboeking.Boekstuk", f"Boekstuk {body['boekstuk']} bestaat al in dit dagboek."))


def _ledger_lines(admin: dict, body: dict, problems: list) -> Decimal:
    total = Decimal(0)
    for index, regel in enumerate(body.get("memoriaalBoekingsRegels") or []):
        ledger = admin["grootboeken"].get(_ref(regel, "grootboek") or "")
        if ledger is None or ledger["nonactief"]:
            problems.append((f"MemoriaalBoekingsRegels[{index}].Grootboek", "Het grootboek bestaat niet of is non-actief."))
        if not regel.get("omschrijving"):
            problems.append((f"MemoriaalBoekingsRegels[{index}].Omschrijving", "Omschrijving is verplicht."))
        total += _amount(regel.get("debet"), f"Regels[{index}].Debet", problems)
        total -= _amount(regel.get("credit"), f"Regels[{index}].Credit", problems)
    return total


def _booking_lines(admin: dict, body: dict, problems: list) -> Decimal:
    total = Decimal(0)
    for index, regel in enumerate(body.get("verkoopboekingBoekingsRegels") or []):
        if _ref(regel, "boekingId") not in admin["verkoopboekingen"]:
            problems.append((f"VerkoopboekingBoekingsRegels[{index}].BoekingId", "De verkoopboeking bestaat niet."))
        if not regel.get("omschrijving") or "bedrag" not in regel:
            problems.append((f"VerkoopboekingBoekingsRegels[{index}]", "Omschrijving en bedrag zijn verplicht."))
        total += _amount(regel.get("bedrag"), f"VerkoopboekingBoekingsRegels[{index}].Bedrag", problems)
    for index, regel in enumerate(body.get("inkoopboekingBoekingsRegels") or []):
        total -= _amount(regel.get("bedrag"), f"InkoopboekingBoekingsRegels[{index}].Bedrag", problems)
    return total


def check(admin: dict, body: dict) -> None:
    """Raise the array-shaped 400 with every rule the memorial booking breaks."""
    problems: list[tuple[str, str]] = []
    _head(admin, body, problems)
    ledgers, bookings = _ledger_lines(admin, body, problems), _booking_lines(admin, body, problems)
    if not body.get("memoriaalBoekingsRegels") and not body.get("verkoopboekingBoekingsRegels"):
        problems.append(("Memoriaalboeking.Regels", "Een memoriaalboeking moet minimaal één regel hebben."))
    if abs(ledgers - bookings) >= CENT:
        problems.append(("Memoriaalboeking.NietInBalans", f"De boeking is niet in balans: grootboekregels {ledgers} "
                                                         f"tegenover boekingsregels {bookings}."))
    if problems:
        raise validation(*problems)


def _mutation(admin: dict, body: dict, stamp: str, ledger: str, debet: Decimal, credit: Decimal, **extra) -> None:
    key = str(uuid.uuid4())
    admin.setdefault("grootboekmutaties", {})[key] = {
        "id": key, "uri": f"/grootboekmutaties/{key}", "grootboek": {"id": ledger}, "datum": body["datum"],
        "modifiedOn": stamp, "dagboek": {"id": _ref(body, "dagboek")}, "omschrijving": body.get("omschrijving") or "",
        "debet": debet, "credit": credit, "saldo": debet - credit, "boekstuk": body.get("boekstuk") or "", **extra}


def create(admin: dict, body: dict, stamp: str) -> dict:
    """Store a checked memorial booking, its ledger mutations, and settle the sales invoices it names."""
    check(admin, body)
    key = str(uuid.uuid4())
    stored = admin.setdefault("memoriaalboekingen", {})[key] = {**body, "id": key, "uri": f"/memoriaalboekingen/{key}",
                                                               "modifiedOn": stamp}
    for regel in body.get("memoriaalBoekingsRegels") or []:
        _mutation(admin, body, stamp, regel["grootboek"]["id"], Decimal(str(regel.get("debet") or 0)),
                  Decimal(str(regel.get("credit") or 0)))
    debtors = next(row["id"] for row in admin["grootboeken"].values() if row["nummer"] == DEBTORS)
    for regel in body.get("verkoopboekingBoekingsRegels") or []:
        amount = Decimal(str(regel["bedrag"]))
        invoice = next(row for row in admin["verkoopfacturen"].values()
                       if row["verkoopBoeking"]["id"] == regel["boekingId"]["id"])
        invoice["openstaandSaldo"] = Decimal(str(invoice["openstaandSaldo"])) - amount
        _mutation(admin, body, stamp, debtors, Decimal(0), amount, factuurNummer=invoice["factuurnummer"],
                  relatiePublicIdentifier=invoice["relatie"])
    return stored
