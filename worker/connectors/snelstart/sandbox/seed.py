"""A new sandbox administration's lists (targets.md §3.8 item 10): ledgers, journals, VAT rates, countries."""
from __future__ import annotations

import uuid

LEDGERS = (  # nummer, omschrijving, grootboekfunctie, btwSoort[] allowed on a line, rekeningCode
    (1100, "Bank", "ElectronischeBetaling", [], "Balans"),
    (1190, "Tussenrekening betalingen", "TussenrekeningBetalingen", [], "Balans"),
    (1300, "Debiteuren", "Diversen", [], "Balans"),  # the spec's enum has no "Debiteuren" function
    (1640, "Te betalen btw OSS", "Diversen", [], "Balans"),
    (8000, "Omzet hoog", "VerkopenOmzetHoog", ["Hoog"], "WinstEnVerlies"),
    (8010, "Omzet laag", "VerkopenOmzetLaag", ["Laag"], "WinstEnVerlies"),
    (8020, "Omzet overig", "VerkopenOmzetOverig", ["Overig"], "WinstEnVerlies"),
    (8100, "Omzet onbelast / verlegd", "VerkopenOmzetOnbelastVerlegd", ["Geen"], "WinstEnVerlies"),
    (8110, "Omzet ICP", "VerkopenExportBinnenEU", ["Geen"], "WinstEnVerlies"),
    (8120, "Omzet export buiten de EU", "VerkopenExportBuitenEU", ["Geen"], "WinstEnVerlies"),
    (8130, "Omzet OSS afstandsverkopen EU", "InstallatieTeleverkoopBinnenEUgeen", ["Geen"], "WinstEnVerlies"),
    (8900, "Omzet oud (niet meer gebruiken)", "VerkopenOmzetHoog", ["Hoog"], "WinstEnVerlies"),
)
JOURNALS = ((70, "Verkoop", "Verkoop"), (90, "Memoriaal", "Memoriaal"), (10, "Kas", "Kas"), (20, "Bank", "Bank"))
VAT_RATES = (("Hoog", 21, "2012-10-01T00:00:00", None), ("Laag", 6, "2001-01-01T00:00:00", "2018-12-31T00:00:00"),
             ("Laag", 9, "2019-01-01T00:00:00", None), ("Geen", 0, "2001-01-01T00:00:00", None))
COUNTRIES = (("Nederland", "NL"), ("Duitsland", "DE"), ("België", "BE"), ("Frankrijk", "FR"))
PACKAGES = ("InKaart", "InBalans", "InZicht")


def _id() -> str:
    return str(uuid.uuid4())


def seed(name: str, package: str) -> dict:
    """An administration's records: every collection a dict by id."""
    ledgers = {}
    for number, text, function, kinds, code in LEDGERS:
        key = _id()
        ledgers[key] = {"id": key, "nummer": number, "omschrijving": text, "grootboekfunctie": function,
                        "btwSoort": kinds, "rekeningCode": code, "nonactief": number == 8900}
    by_number = {row["nummer"]: row["id"] for row in ledgers.values()}
    groups = {}
    for number, (text, ledger, kind) in enumerate((("Hoog", 8000, "Hoog"), ("Laag", 8010, "Laag"),
                                                   ("Onbelast", 8100, "Geen")), 1):
        key = _id()
        groups[key] = {"id": key, "nummer": number, "omschrijving": f"Omzet {text}",
                       "verkoopGrootboekNederlandIdentifier": {"id": by_number[ledger]}, "verkoopNederlandBtwSoort": kind}
    layouts = {key: {"id": key, "omschrijving": text, "nonactief": False, "prijsIngaveExclusiefBtw": True}
               for key, text in ((_id(), "Standaard factuur"), (_id(), "Webwinkel factuur"))}
    return {"info": {"administratieIdentifier": _id(), "administratieNaam": name, "bedrijfsnaam": name,
                     "btwNummer": "NL001234567B01"},
            "package": package, "article_code": {"length": 10, "digits_only": True},
            "grootboeken": ledgers, "artikelomzetgroepen": groups, "verkoopordersjablonen": layouts,
            "dagboeken": {key: {"id": key, "nummer": n, "omschrijving": t, "soort": s, "nonactief": False}
                          for n, t, s in JOURNALS for key in (_id(),)},
            "btwtarieven": [{"btwSoort": k, "btwPercentage": p, "datumVanaf": f, "datumTotEnMet": t}
                            for k, p, f, t in VAT_RATES],
            "landen": {key: {"id": key, "naam": n, "landcodeISO": c, "landcode": c} for n, c in COUNTRIES
                       for key in (_id(),)},
            "relaties": {}, "artikelen": {}, "verkoopboekingen": {}, "verkooporders": {}, "verkoopfacturen": {},
            "memoriaalboekingen": {}, "grootboekmutaties": {}, "posts": {}}


def scopes(package: str) -> set[str]:
    """What a key of this package may do: InKaart has no articles and makes no orders (manual 002 §2);
    it reads sales invoices (/verkoopfacturen needs orders:read) and books memorial bookings (payments).
    The split per package is inferred."""
    base = {"relaties:read", "relaties:write", "boekhouden:read", "boekhouden:write", "settings:read", "orders:read",
            "memoriaal:read", "memoriaal:write"}
    if package == "InKaart":
        return base
    return base | {"artikelen:read", "artikelen:write", "orders:write"}
