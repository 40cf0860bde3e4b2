"""The OSS VAT codes an accountant creates in a Dutch administration for distance sales to the EU.

Exact's VAT codes are at most three characters and compared case-insensitively (targets.md §1,
``payload.same_code``), so a code cannot spell out country and rate. The scheme, per member state
other than the Netherlands (whose own codes are 1–7 in seed.py):

    <country><slot>   slot 1–8 = incl. VAT, A–H = excl. VAT, for the country's n-th rate

with the rates ordered as the VAT table lists them (standard first, then the others from high to low),
e.g. DE1 = DE 19 % incl., DEA = DE 19 % excl., DE2 / DEB = DE 7 %; FR1 20 %, FR2 13 %, FR3 10 %,
FR5 5.5 %. The description says it plainly ("OSS DE 7% incl."). Rates come from eu-vat-rates-data,
the same source as the VAT table (worker/vat_rates.py).
"""
from __future__ import annotations

from decimal import Decimal

from worker import vat_rates

HOME = "NL"  # the sandbox's administrations are Dutch (seed.py: Divisions.Country)
INCL_SLOTS = "12345678"
EXCL_SLOTS = "ABCDEFGH"  # no I: an "I" would read as "incl."


def oss_code(country: str, rate: Decimal, kind: str) -> str:
    """The code of a country's rate in the scheme above; kind "I" (incl. VAT) or "E" (excl.)."""
    index = vat_rates.rates_of(country).index(rate)
    return country + (INCL_SLOTS if kind == "I" else EXCL_SLOTS)[index]


def oss_vat_codes() -> tuple[tuple, ...]:
    """Rows in seed.VAT_CODES' shape: (code, description, Type, percentage as a fraction, EUSalesListing)."""
    rows = []
    for country in vat_rates.EU:
        if country == HOME:
            continue
        for rate in vat_rates.rates_of(country):
            shown = f"{rate.normalize():f}".replace(".", ",")  # Dutch, as the seed's other descriptions
            for kind, word in (("I", "incl."), ("E", "excl.")):
                rows.append((oss_code(country, rate, kind), f"OSS {country} {shown}% {word}", kind,
                             str(rate / 100), None))
    return tuple(rows)
