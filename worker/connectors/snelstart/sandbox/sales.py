"""POST /relaties, /artikelen and /verkooporders as SnelStart checks them (targets.md §3.8.7-9)."""
from __future__ import annotations

import uuid
from decimal import ROUND_HALF_UP, Decimal

from .errors import model_state, validation

LIMITS = {"naam": 50, "kvkNummer": 12, "iban": 50, "bic": 15, "websiteUrl": 100}
PROCESS = {"Order", "Offerte", "Bevestiging", "Werkbon", "Pakbon", "Afhaalbon"}  # not Factuur, Contantbon
CENT = Decimal("0.01")


def _ref(body: dict, name: str) -> str | None:
    value = body.get(name)
    return value.get("id") if isinstance(value, dict) else None


def _store(admin: dict, collection: str, body: dict, stamp: str) -> dict:
    key = str(uuid.uuid4())
    admin[collection][key] = stored = {**body, "id": key, "uri": f"/{collection}/{key}", "modifiedOn": stamp}
    return stored


def relation(admin: dict, body: dict, stamp: str) -> dict:
    """A relation; no address needed (SnelStart accepts none, §3.5); errors in the model-state shape."""
    fields: dict[str, list[str]] = {}
    kinds = body.get("relatiesoort")
    if not isinstance(kinds, list) or not kinds or not set(kinds) <= {"Klant", "Leverancier"}:
        fields["relatie.Relatiesoort"] = ["Relatiesoort moet een lijst zijn met Klant en/of Leverancier."]
    for name, limit in LIMITS.items():
        if len(str(body.get(name) or "")) > limit:
            fields[f"relatie.{name[0].upper()}{name[1:]}"] = [f"Maximaal {limit} tekens."]
    codes = {row["relatiecode"] for row in admin["relaties"].values()}
    code = body.get("relatiecode")
    if code is not None and code in codes:
        fields["relatie.Relatiecode"] = [f"Relatiecode {code} bestaat al."]
    if fields:
        raise model_state(fields)
    return _store(admin, "relaties", {**body, "relatiecode": code or max(codes, default=10000) + 1}, stamp)


def _code_problem(admin: dict, code: str) -> str | None:
    rule = admin["article_code"]
    if not code or len(code) > rule["length"] or (rule["digits_only"] and not code.isdigit()):
        kind = "cijfers" if rule["digits_only"] else "letters en cijfers"
        return (f"Artikelcode '{code}' past niet in de instelling van de administratie: maximaal "
                f"{rule['length']} {kind}.")
    return None


def article(admin: dict, body: dict, stamp: str) -> dict:
    """An article: a code the administration's setting allows, unique, with an existing revenue group."""
    problems = []
    code = str(body.get("artikelcode") or "")
    if (problem := _code_problem(admin, code)) is not None:
        problems.append(("Artikel.Artikelcode", problem))
    if any(row["artikelcode"] == code for row in admin["artikelen"].values()):
        problems.append(("Artikel.Artikelcode", f"Artikelcode '{code}' bestaat al."))
    if len(body.get("omschrijving") or "") > 250:
        problems.append(("Artikel.Omschrijving", "Maximaal 250 tekens."))
    if _ref(body, "artikelOmzetgroep") not in admin["artikelomzetgroepen"]:
        problems.append(("Artikel.ArtikelOmzetgroep", "De artikelomzetgroep bestaat niet."))
    if problems:
        raise validation(*problems)
    return _store(admin, "artikelen", body, stamp)


def _rate(admin: dict, kind: str) -> Decimal:
    current = [r for r in admin["btwtarieven"] if r["btwSoort"] == kind and r["datumTotEnMet"] is None]
    return Decimal(str(current[0]["btwPercentage"])) if current else Decimal(0)


def _totals(admin: dict, body: dict) -> tuple[Decimal, Decimal]:
    """(excl., incl.) VAT: each row round(aantal × stuksprijs, 2), its VAT per row from the article's group."""
    incl = body.get("verkooporderBtwIngaveModel") == "Inclusief"
    excl_total = incl_total = Decimal(0)
    for regel in body["regels"]:
        amount = (Decimal(str(regel.get("aantal", 1))) * Decimal(str(regel.get("stuksprijs", 0)))).quantize(
            CENT, ROUND_HALF_UP)
        group = admin["artikelomzetgroepen"][admin["artikelen"][regel["artikel"]["id"]]["artikelOmzetgroep"]["id"]]
        rate = _rate(admin, group["verkoopNederlandBtwSoort"])
        vat = (amount * rate / (100 + rate) if incl else amount * rate / 100).quantize(CENT, ROUND_HALF_UP)
        regel["totaal"] = float(amount)
        excl_total += amount - vat if incl else amount
        incl_total += amount if incl else amount + vat
    return excl_total, incl_total


def order(admin: dict, body: dict, stamp: str) -> dict:
    """A sales order: relation, date, an allowed process status, credit term 0..100, existing articles."""
    problems = []
    if _ref(body, "relatie") not in admin["relaties"]:
        problems.append(("Verkooporder.Relatie", "De relatie is verplicht en moet bestaan."))
    if not body.get("datum"):
        problems.append(("Verkooporder.Datum", "Datum is verplicht."))
    if body.get("procesStatus", "Order") not in PROCESS:
        problems.append(("Verkooporder.ProcesStatus", f"ProcesStatus '{body.get('procesStatus')}' is niet toegestaan."))
    term = body.get("krediettermijn", 0)
    if not isinstance(term, int) or not 0 <= term <= 100:
        problems.append(("Verkooporder.Krediettermijn", "Krediettermijn moet tussen 0 en 100 liggen."))
    for index, regel in enumerate(body.get("regels") or []):
        if _ref(regel, "artikel") not in admin["artikelen"]:
            problems.append((f"Regels[{index}].Artikel", "Het artikel bestaat niet."))
    template = _ref(body, "verkoopordersjabloon")
    if template is not None and template not in admin["verkoopordersjablonen"]:
        problems.append(("Verkooporder.Verkoopordersjabloon", "Het verkoopordersjabloon bestaat niet."))
    if problems:
        raise validation(*problems)
    body = {**body, "regels": [dict(r) for r in body.get("regels") or []]}
    excl, incl = _totals(admin, body)
    number = len(admin["verkooporders"]) + 1
    return _store(admin, "verkooporders", {**body, "nummer": number, "procesStatus": body.get("procesStatus", "Order"),
                                           "totaalExclusiefBtw": float(excl), "totaalInclusiefBtw": float(incl)},
                  stamp)
