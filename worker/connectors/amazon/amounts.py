"""Amazon's gross amounts split into net and VAT, and which rule decided (sources.md §1.6).

In the EU, Amazon's amounts (``proceeds.breakdowns`` of type ITEM, SHIPPING, GIFT_WRAP, COD_FEE,
DISCOUNT) are gross: VAT included. The TAX breakdown's detail of the same kind is the VAT in it,
often 0.00 for merchant-fulfilled EU orders. Rules, first match wins:

* ``amazon_collected``: Amazon withheld and remits the VAT (``taxCollections`` model
  MARKETPLACE_FACILITATOR, e.g. exports and deemed-reseller OSS/IOSS cases). The seller's sale is the
  gross less that VAT, at 0 %; never booked as the merchant's own (domestic) VAT.
* ``icp``: an intra-EU business sale with the buyer's VAT number and no VAT charged: 0 %.
* ``export``: delivered outside the EU: 0 %.
* ``amazon_tax``: Amazon states the VAT: it is taken as it is, and the rate is the destination
  country's rate that gives exactly that VAT (else the rate it implies, to two decimals).
* ``country_rate``: Amazon states 0.00: the destination country's standard rate (eu-vat-rates-data).

Rounding: the VAT of a gross amount is ``gross × rate / (100 + rate)`` rounded half up to the cent,
once per amount; net = gross − VAT, so the gross stays Amazon's amount to the cent.
"""
from __future__ import annotations

import dataclasses
from decimal import ROUND_HALF_UP, Decimal

from worker import vat_rates
from worker.i18n import N_

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
RULES = {
    "amazon_collected": N_("Amazon collected and remits the VAT (marketplace facilitator): booked at 0 % without that VAT."),
    "icp": N_("Intra-EU business sale with the buyer's VAT number and no VAT charged by Amazon: 0 % (ICP)."),
    "export": N_("Delivered outside the EU: 0 % (export)."),
    "amazon_tax": N_("Amazon stated the VAT: taken as it is, at the destination country's matching rate."),
    "country_rate": N_("Amazon stated no VAT (0.00): the destination country's standard rate was applied to the gross price."),
}


@dataclasses.dataclass(frozen=True)
class Split:
    """A gross amount split: its VAT rate (21 for 21 %), net, VAT and the rule that decided."""

    gross: Decimal
    net: Decimal
    vat: Decimal
    rate: Decimal
    rule: str


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def vat_in(gross: Decimal, rate: Decimal) -> Decimal:
    """The VAT included in ``gross`` at ``rate`` %, rounded half up to the cent."""
    return cents(gross * rate / (Decimal(100) + rate))


def _rate_for_tax(gross: Decimal, tax: Decimal, country: str) -> Decimal:
    candidates = vat_rates.rates_of(country) if country in vat_rates.EU else []
    for rate in candidates:
        if vat_in(gross, rate) == tax:
            return rate
    if gross == tax:
        return ZERO
    return cents(tax / (gross - tax) * 100)


def split(gross: Decimal, tax: Decimal, country: str, collected: bool, icp: bool) -> Split:
    """``gross`` with Amazon's ``tax`` in it, delivered to ``country``, by the first rule that applies."""
    if collected:
        return Split(gross - tax, gross - tax, ZERO, ZERO, "amazon_collected")
    if icp:
        return Split(gross, gross, ZERO, ZERO, "icp")
    if country not in vat_rates.EU:
        return Split(gross, gross, ZERO, ZERO, "export")
    if tax != 0:
        return Split(gross, gross - tax, tax, _rate_for_tax(gross, tax, country), "amazon_tax")
    rate = vat_rates.standard_rate(country)
    vat = vat_in(gross, rate)
    return Split(gross, gross - vat, vat, rate, "country_rate")
