"""The VAT rate a merchant sells at in each EU country, read from their VAT settings (the Configuration tab).

Manual 002 ("Inrichten BTW tarieven"): the table starts with the EU's standard rates and the merchant
may change the percentage they sell at per country in its left column (e.g. Germany at 19 % where the
default said otherwise). A source whose prices are gross with no VAT stated (Amazon's item tax 0.00)
takes the VAT out of the price at this rate. The rule for a country, first that applies:

1. The saved table's row that the EU's list filled with the country's standard rate (its key is
   "<country>:<standard rate>"), when the merchant chose a VAT code for it: the percentage in its left
   column, as the merchant left or changed it.
2. Else the highest rate above 0 % the merchant mapped for the country (the "<country>:<rate>" rows of
   the VAT map): a merchant who maps one rate there sells at that one. A 0 % row is never taken: it is
   for VAT someone else collects (a marketplace) or exempt sales, and would silently drop the VAT.
3. Else none: the caller falls back to the country's standard rate and says so.
"""
from __future__ import annotations

import dataclasses
from decimal import Decimal

from worker import vat_rates


@dataclasses.dataclass(frozen=True)
class SellingRates:
    """The merchant's selling rate per country (21 for 21 %), as far as their VAT settings give one."""

    by_country: tuple[tuple[str, Decimal], ...] = ()

    def of(self, country: str) -> Decimal | None:
        """The rate the merchant sells at in ``country``, or None when their settings give none."""
        return dict(self.by_country).get(country)


NONE = SellingRates()


def from_settings(settings: dict | None) -> SellingRates:
    """The selling rates of a target connection's settings (``vat_table`` and ``vat_map``)."""
    settings = settings or {}
    mapped = _mapped(settings.get("vat_map") or {})
    chosen = {country: max(rates) for country, rates in mapped.items() if max(rates) > 0}
    for row in settings.get("vat_table") or []:
        country = row.get("country")
        if country not in vat_rates.EU or row.get("key") != f"{country}:{vat_rates.standard_rate(country):.2f}":
            continue
        rate = vat_rates.parse_rate(row.get("rate", ""))
        if rate is not None and rate > 0 and rate in mapped.get(country, ()):
            chosen[country] = rate  # rule 1: the standard row as the merchant left or changed it
    return SellingRates(tuple(sorted(chosen.items())))


def _mapped(vat_map: dict) -> dict[str, set[Decimal]]:
    """The rates with a VAT code chosen, per country ("DE:19.00" → DE: {19.00})."""
    found: dict[str, set[Decimal]] = {}
    for key, row in vat_map.items():
        country, _, rate_text = key.partition(":")
        rate = vat_rates.parse_rate(rate_text) if rate_text else None
        if country in vat_rates.EU and rate is not None and (row or {}).get("vat_code"):
            found.setdefault(country, set()).add(rate)
    return found
