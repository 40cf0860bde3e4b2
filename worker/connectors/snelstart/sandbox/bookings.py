"""POST /verkoopboekingen as SnelStart checks it (targets.md §3.8.6) and the /verkoopfacturen it makes."""
from __future__ import annotations

import uuid
from decimal import Decimal, InvalidOperation

from .errors import validation

LINE_KINDS = {"Geen", "Laag", "Hoog", "Overig"}
VAT_KINDS = {"Geen", "VerkopenLaag", "VerkopenHoog", "VerkopenOverig", "VerkopenVerlegd"}
CENT = Decimal("0.01")


def _amount(value, field: str, problems: list) -> Decimal:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        problems.append((f"Verkoopboeking.{field}", f"'{value}' is geen geldig bedrag."))
        return Decimal(0)


def _ref(body: dict, name: str) -> str | None:
    value = body.get(name)
    return value.get("id") if isinstance(value, dict) else None


def _lines(admin: dict, body: dict, problems: list) -> Decimal:
    regels = body.get("boekingsregels")
    if not isinstance(regels, list) or not regels:
        problems.append(("Verkoopboeking.Boekingsregels", "Een verkoopboeking moet minimaal één boekingsregel hebben."))
        return Decimal(0)
    total = Decimal(0)
    for index, regel in enumerate(regels):
        ledger = admin["grootboeken"].get(_ref(regel, "grootboek") or "")
        kind = regel.get("btwSoort") or "Geen"
        if ledger is None or ledger["nonactief"]:
            problems.append((f"Boekingsregels[{index}].Grootboek", "Het grootboek bestaat niet of is non-actief."))
        elif kind not in LINE_KINDS or (kind != "Geen" and kind not in ledger["btwSoort"]):
            problems.append((f"Boekingsregels[{index}].BtwSoort",
                             f"Btw-soort '{kind}' is niet toegestaan op grootboek {ledger['nummer']}."))
        if len(regel.get("omschrijving") or "") > 250:
            problems.append((f"Boekingsregels[{index}].Omschrijving", "Maximaal 250 tekens."))
        total += _amount(regel.get("bedrag", 0), f"Boekingsregels[{index}].Bedrag", problems)
    return total


def _vat(body: dict, problems: list) -> Decimal:
    total = Decimal(0)
    for index, entry in enumerate(body.get("btw") or []):
        if entry.get("btwSoort") not in VAT_KINDS:
            problems.append((f"Btw[{index}].BtwSoort", f"'{entry.get('btwSoort')}' is geen btw-soort voor verkopen."))
        total += _amount(entry.get("btwBedrag", 0), f"Btw[{index}].BtwBedrag", problems)
    return total


def check(admin: dict, body: dict) -> None:
    """Raise the array-shaped 400 with every rule the booking breaks."""
    problems: list[tuple[str, str]] = []
    number = body.get("factuurnummer")
    if not number or len(str(number)) > 25:
        problems.append(("Verkoopboeking.Factuurnummer", "Factuurnummer is verplicht en maximaal 25 tekens."))
    customer = admin["relaties"].get(_ref(body, "klant") or "")
    if customer is None or "Klant" not in customer["relatiesoort"]:
        problems.append(("Verkoopboeking.Klant", "De klant bestaat niet of is geen klant."))
    term = body.get("betalingstermijn", 0)
    if not isinstance(term, int) or not 0 <= term <= 999:
        problems.append(("Verkoopboeking.Betalingstermijn", "Betalingstermijn moet tussen 0 en 999 liggen."))
    if len(body.get("omschrijving") or "") > 250:
        problems.append(("Verkoopboeking.Omschrijving", "Maximaal 250 tekens."))
    lines, vat = _lines(admin, body, problems), _vat(body, problems)
    invoiced = _amount(body.get("factuurbedrag", 0), "Factuurbedrag", problems)
    if abs(invoiced - lines - vat) >= CENT:
        problems.append(("Verkoopboeking.NietInBalans", f"De boeking is niet in balans: factuurbedrag {invoiced} "
                                                        f"is niet gelijk aan regels {lines} plus btw {vat}."))
    if customer is not None and any(b["factuurnummer"] == number and b["klant"]["id"] == customer["id"]
                                    for b in admin["verkoopboekingen"].values()):
        problems.append(("Verkoopboeking.Factuurnummer", f"Factuurnummer {number} bestaat al voor deze klant."))
    if problems:
        raise validation(*problems)


def create(admin: dict, body: dict, stamp: str) -> dict:
    """Store a checked booking, and the sales invoice SnelStart lists for it."""
    check(admin, body)
    key = str(uuid.uuid4())
    stored = {**body, "id": key, "uri": f"/verkoopboekingen/{key}", "modifiedOn": stamp,
              "boekstuk": str(len(admin["verkoopboekingen"]) + 1)}
    admin["verkoopboekingen"][key] = stored
    invoice = str(uuid.uuid4())
    admin.setdefault("verkoopfacturen", {})[invoice] = {
        "id": invoice, "verkoopBoeking": {"id": key}, "factuurnummer": body["factuurnummer"],
        "relatie": {"id": body["klant"]["id"]}, "factuurBedrag": body["factuurbedrag"],
        "openstaandSaldo": body["factuurbedrag"], "factuurDatum": body.get("factuurdatum"), "modifiedOn": stamp}
    return stored
