"""Static data the order generator draws from: products, VAT rates, people, addresses, VAT numbers."""
from __future__ import annotations

import random
from decimal import Decimal

EU_COUNTRIES = frozenset(
    "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)

# VAT rate per product category and country. NL has no 12 % band: margarine is food there (9 %).
VAT_RATES = {
    "BE": {"standard": Decimal("21"), "reduced": Decimal("6"), "intermediate": Decimal("12")},
    "NL": {"standard": Decimal("21"), "reduced": Decimal("9"), "intermediate": Decimal("9")},
}

# (sku, name, category, catalogue price). The price is read in the shop's basis (incl. or excl. VAT).
PRODUCTS = (
    ("TUIN-SLANG-25", "Tuinslang 25 m", "standard", "34.95"),
    ("KOF-BONEN-1KG", "Koffiebonen Arabica 1 kg", "reduced", "18.50"),
    ("BOEK-KOOK-01", "Kookboek Vlaamse klassiekers", "reduced", "29.99"),
    ("MARG-PLANT-500", "Plantaardige margarine 500 g", "intermediate", "3.49"),
    ("LAMP-LED-E27", "LED-lamp E27 806 lm", "standard", "6.95"),
    ("BORSTEL-HARD", "Harde vloerborstel", "standard", "12.40"),
    ("THEE-GROEN-100", "Groene thee 100 zakjes", "reduced", "7.25"),
    ("GLOSS-5M", "Gloss lint 5 m", "standard", "4.99"),
    ("KAAS-OUD-500", "Oude kaas 500 g", "reduced", "9.80"),
    ("MARG-BAK-250", "Bakmargarine 250 g", "intermediate", "2.15"),
    ("STOEL-EIK", "Eiken stoel", "standard", "149.00"),
    ("KAARS-SOJA", "Sojakaars lavendel", "standard", "14.95"),
)

SHIPPING_METHODS = {
    "BE": (("bpost", "4.95"), ("dpd", "6.50"), ("postnl", "5.95")),
    "NL": (("postnl", "4.95"), ("dhl", "5.50")),
    "EU": (("dpd", "12.50"), ("dhl", "14.95")),
    "WORLD": (("dhl_express", "29.95"), ("bpost_world", "19.95")),
}

FIRST_NAMES = {
    "BE": ("Jan", "An", "Pieter", "Lotte", "Wout", "Els", "Mathieu", "Chloé"),
    "NL": ("Daan", "Sanne", "Bram", "Fleur", "Joost", "Eva"),
    "DE": ("Lukas", "Anna", "Jürgen", "Mia"),
    "FR": ("Camille", "Louis", "Élodie"),
    "other": ("Noah", "Emma", "Liam", "Olivia", "Ingrid", "Lars"),
}
LAST_NAMES = {
    "BE": ("Peeters", "Janssens", "Maes", "Dubois", "Claes", "Vermeulen", "Goossens"),
    "NL": ("de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser"),
    "DE": ("Müller", "Schmidt", "Schneider", "Fischer"),
    "FR": ("Martin", "Bernard", "Lefèvre"),
    "other": ("Smith", "Keller", "Hansen", "Meier", "Brown"),
}

# (street, postal code, city) per country; house numbers are drawn separately.
ADDRESSES = {
    "BE": (("Kerkstraat", "9000", "Gent"), ("Meir", "2000", "Antwerpen"),
           ("Rue Neuve", "1000", "Bruxelles"), ("Bondgenotenlaan", "3000", "Leuven"),
           ("Steenweg op Gierle", "2300", "Turnhout")),
    "NL": (("Dorpsstraat", "3512 JE", "Utrecht"), ("Kalverstraat", "1012 NX", "Amsterdam"),
           ("Coolsingel", "3011 AD", "Rotterdam"), ("Stratumseind", "5611 ET", "Eindhoven")),
    "DE": (("Hauptstraße", "10115", "Berlin"), ("Königsallee", "40212", "Düsseldorf")),
    "FR": (("Rue de Rivoli", "75001", "Paris"), ("Rue Nationale", "59800", "Lille")),
    "LU": (("Grand-Rue", "1660", "Luxembourg"),),
    "IE": (("Grafton Street", "D02 VF65", "Dublin"),),
    "AT": (("Mariahilfer Straße", "1070", "Wien"),),
    "CH": (("Bahnhofstrasse", "8001", "Zürich"), ("Rue du Rhône", "1204", "Genève")),
    "NO": (("Karl Johans gate", "0154", "Oslo"),),
    "GB": (("Baker Street", "NW1 6XE", "London"),),
}
PHONE_PREFIX = {"BE": "+32 470", "NL": "+31 6", "DE": "+49 151", "FR": "+33 6", "LU": "+352 621",
                "IE": "+353 87", "AT": "+43 664", "CH": "+41 79", "NO": "+47 412", "GB": "+44 7700"}

# Checksum-valid VAT numbers (checked with python-stdnum in the tests); the company names are made up.
EU_VAT_NUMBERS = {
    "NL": (("Voorbeeld Groothandel B.V.", "NL004495445B01"), ("Proefwinkel B.V.", "NL803441526B01")),
    "DE": (("Beispiel Handel GmbH", "DE136695976"), ("Musterbau AG", "DE811569869")),
    "FR": (("Exemple Distribution SA", "FR40303265045"), ("Société Modèle SARL", "FR44732829320")),
    "LU": (("Exemple Services S.à r.l.", "LU26375245"),),
    "IE": (("Sample Trading Ltd", "IE6388047V"),),
    "AT": (("Beispiel Wien GmbH", "ATU33864707"),),
    "BE": (("Voorbeeld NV", "BE0403170701"),),
}
EXPORT_COUNTRIES = ("CH", "NO", "GB")
COMPANY_SUFFIX = {"BE": ("BV", "NV", "CommV"), "NL": ("B.V.", "V.O.F.")}
COMPANY_WORDS = ("Bakkerij", "Tuincentrum", "Drukkerij", "Bouwbedrijf", "Koffiehuis", "Atelier")


def domestic_vat_number(rng: random.Random, country: str) -> str:
    """A random checksum-valid Belgian or Dutch VAT number."""
    if country == "BE":
        # Enterprise number: 8 digits then 97 - (those 8 digits mod 97).
        base = rng.randint(2000000, 9999999)
        return f"BE0{base:07d}{97 - int(f'0{base:07d}') % 97:02d}"
    while True:
        # Dutch btw-id: 9 digits passing the eleven test, then "B01".
        digits = [rng.randint(1, 9)] + [rng.randint(0, 9) for _ in range(7)]
        check = sum(d * (9 - i) for i, d in enumerate(digits)) % 11
        if check < 10:
            return "NL" + "".join(map(str, digits)) + f"{check}B01"
