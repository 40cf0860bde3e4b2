"""EU VAT rates as the Configuration tab pre-fills them (the merchant can change the rate they sell at).

Standard rates per member state, and the reduced rates Dutch and Belgian shops use most. Sources:
the European Commission's "VAT rates applied in the Member States" (2025 edition) with the 2025
changes (Estonia 24 %, Romania 21 %, Slovakia 23 %, Finland 25.5 %).
"""
from __future__ import annotations

from decimal import Decimal

STANDARD = {
    "AT": "20", "BE": "21", "BG": "20", "CY": "19", "CZ": "21", "DE": "19", "DK": "25", "EE": "24", "ES": "21",
    "FI": "25.5", "FR": "20", "GR": "24", "HR": "25", "HU": "27", "IE": "23", "IT": "22", "LT": "21", "LU": "17",
    "LV": "21", "MT": "18", "NL": "21", "PL": "23", "PT": "23", "RO": "21", "SE": "25", "SI": "22", "SK": "23",
}
REDUCED = {"NL": ("9", "0"), "BE": ("12", "6", "0")}
EU = tuple(sorted(STANDARD))
SPECIAL_ROWS = ("ICP", "INTERNATIONAL")  # intra-EU B2B and outside the EU: both 0 %


def default_rows(home: str) -> list[dict]:
    """Every EU country's rates, the shop's own country first, then ICP and International."""
    countries = [home] + [c for c in EU if c != home] if home in STANDARD else list(EU)
    rows = []
    for country in countries:
        for rate in (STANDARD[country], *REDUCED.get(country, ())):
            rows.append({"key": f"{country}:{Decimal(rate):.2f}", "country": country, "rate": f"{Decimal(rate):.2f}"})
    rows += [{"key": key, "country": key, "rate": "0.00"} for key in SPECIAL_ROWS]
    return rows
