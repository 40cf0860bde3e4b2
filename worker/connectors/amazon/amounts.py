"""Amazon's gross amounts split into net and VAT, and which rule decided (sources.md §1.6).

In the EU, Amazon's amounts (``proceeds.breakdowns`` of type ITEM, SHIPPING, GIFT_WRAP, COD_FEE,
DISCOUNT) are gross: VAT included. The TAX breakdown's detail of the same kind is the VAT in it,
often 0.00 for merchant-fulfilled EU orders. Rules, first match wins:

* ``amazon_collected``: Amazon withheld and remits the VAT (``taxCollections`` model
  MARKETPLACE_FACILITATOR, e.g. exports and deemed-reseller OSS/IOSS cases). The seller's sale is the
  gross less that VAT, at 0 %; never booked at the merchant's own (domestic) rate. The line then
  belongs to the VAT settings' 0 % row of the destination country (International outside the EU):
  without one the order goes to Errors naming that row (VAT_NOT_MAPPED), it is never booked otherwise.
* ``icp``: an intra-EU business sale with the buyer's VAT number and no VAT charged: 0 %.
* ``export``: delivered outside the EU: 0 %.
* ``amazon_tax``: Amazon states the VAT: it is taken as it is, and the rate is the destination
  country's rate that gives exactly that VAT (else the rate it implies, to two decimals).
* ``merchant_rate``: Amazon states 0.00: the rate the merchant sells at in the destination country,
  from their VAT settings (worker.selling_rates, manual 002 "Inrichten BTW tarieven").
* ``country_rate``: Amazon states 0.00 and the merchant's VAT settings give no rate for the country:
  its standard rate (eu-vat-rates-data), and the order's More info says the merchant has set none.

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
# Shown under the order's lines (canonical ``vat_notes``): %-style, literal percent signs as %%.
RULES = {
    "amazon_collected": N_("Amazon collected and remits the VAT (marketplace facilitator): it is not your VAT, so "
                           "the line is booked at 0 %% without it, never at your own rate."),
    "icp": N_("Intra-EU business sale with the buyer's VAT number and no VAT charged by Amazon: 0 %% (ICP)."),
    "export": N_("Delivered outside the EU: 0 %% (export)."),
    "amazon_tax": N_("Amazon stated the VAT: taken as it is, at the rate of %(country)s that gives exactly that VAT."),
    "merchant_rate": N_("Amazon stated no VAT (0.00): the rate your VAT settings give for %(country)s, %(rate)s %%, "
                        "was taken out of the price incl. VAT."),
    "country_rate": N_("Amazon stated no VAT (0.00) and your VAT settings give no rate for %(country)s: its "
                       "standard rate, %(rate)s %%, was taken out of the price incl. VAT. Set the rate you sell "
                       "at in Configuration if it differs."),
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


def split(gross: Decimal, tax: Decimal, country: str, collected: bool, icp: bool,
          selling_rate: Decimal | None = None) -> Split:
    """``gross`` with Amazon's ``tax`` in it, delivered to ``country``, by the first rule that applies;
    ``selling_rate`` is the merchant's rate for ``country`` from their VAT settings (None: none set)."""
    if collected:
        return Split(gross - tax, gross - tax, ZERO, ZERO, "amazon_collected")
    if icp:
        return Split(gross, gross, ZERO, ZERO, "icp")
    if country not in vat_rates.EU:
        return Split(gross, gross, ZERO, ZERO, "export")
    if tax != 0:
        return Split(gross, gross - tax, tax, _rate_for_tax(gross, tax, country), "amazon_tax")
    rate, rule = (selling_rate, "merchant_rate") if selling_rate else (vat_rates.standard_rate(country), "country_rate")
    vat = vat_in(gross, rate)
    return Split(gross, gross - vat, vat, rate, rule)


def percent(rate: Decimal) -> str:
    """A rate as a merchant writes it: 19, 5.5."""
    text = f"{rate:.2f}".rstrip("0").rstrip(".")
    return text or "0"
