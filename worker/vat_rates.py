"""EU VAT rates as the Configuration tab pre-fills them: every member state's rates, each its own row.

The rates come from ``eu-vat-rates-data`` (the European Commission's TEDB, pinned in requirements.txt):
standard, reduced, super-reduced and parking rates. Floats there are turned into Decimals through
``str`` so 5.5 stays 5.50. A row's key is "<country>:<rate>", as the pipeline looks it up (vat_map.py).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from eu_vat_rates_data import data_version, get_all_rates, get_rate

EU = tuple(sorted(code for code, rate in get_all_rates().items() if rate["eu_member"]))
SPECIAL_ROWS = ("ICP", "INTERNATIONAL")  # intra-EU B2B and outside the EU: both 0 %
MAX_RATE = Decimal(30)


def as_of() -> dt.date:
    """The day the rates were last taken from the EU's database."""
    return dt.date.fromisoformat(data_version)


def _percent(value: float) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def standard_rate(country: str) -> Decimal:
    """The standard rate of an EU country (21 % when the country is not in the EU)."""
    found = get_rate(country) if country in EU else None
    return _percent(found["standard"]) if found else Decimal("21.00")


def rates_of(country: str) -> list[Decimal]:
    """A country's distinct rates: the standard rate first, then the others from high to low."""
    found = get_rate(country)
    others = [*found["reduced"], found["super_reduced"], found["parking"]]
    standard = _percent(found["standard"])
    lower = sorted({_percent(r) for r in others if r is not None} - {standard}, reverse=True)
    return [standard, *lower]


def row(country: str, rate: Decimal, custom: bool = False) -> dict:
    """One row of the table; custom rows are the ones a merchant added and may remove."""
    key = f"{country}:{rate:.2f}"
    return {"key": key, "country": country, "rate": f"{rate:.2f}", **({"custom": True} if custom else {})}


def default_rows(home: str) -> list[dict]:
    """Every EU country's rates, the shop's own country first, then ICP and International."""
    countries = [home] + [c for c in EU if c != home] if home in EU else list(EU)
    rows = [row(country, rate) for country in countries for rate in rates_of(country)]
    return rows + [{"key": key, "country": key, "rate": "0.00"} for key in SPECIAL_ROWS]


def insert_row(rows: list[dict], new: dict) -> list[dict]:
    """``rows`` with ``new`` after the last row of its country (before ICP and International if none)."""
    same = [i for i, r in enumerate(rows) if r["country"] == new["country"]]
    at = same[-1] + 1 if same else next((i for i, r in enumerate(rows) if r["key"] in SPECIAL_ROWS), len(rows))
    return rows[:at] + [new] + rows[at:]


def merged_rows(saved: list[dict], home: str) -> list[dict]:
    """A saved table as it was, with the data source's rows it lacks added beside their country."""
    rows, keys = list(saved), {r["key"] for r in saved}
    for new in default_rows(home):
        if new["key"] not in keys:
            rows = insert_row(rows, new)
    return rows


def parse_rate(text: str) -> Decimal | None:
    """A percentage typed by a merchant ("7", "5,5") to two decimals, or None when it is no number."""
    try:
        rate = Decimal(str(text).strip().replace(",", ".")).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None
    return rate if rate.is_finite() else None
