"""The check before a 0 % intra-EU (ICP) sale: is the buyer's VAT number well-formed, and does VIES know it?"""
from __future__ import annotations

import dataclasses

from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError

from worker.connectors.vies.client import ViesClient, ViesRefused, vies_country


@dataclasses.dataclass(frozen=True)
class VatCheck:
    """The outcome for one order: ok, or a code and a sentence for the merchant; ``vies`` is VIES's answer."""

    ok: bool
    code: str | None
    message: str
    vies: dict | None


def check_vat_number(number: str | None, client: ViesClient) -> VatCheck:
    """Check a VAT number as the shop gives it; ViesUnavailable propagates (the order waits, it did not fail)."""
    shown = (number or "").strip()
    try:
        # Form and checksum first: a typo never costs a VIES request (and VIES never sees junk from us).
        compact = eu_vat.validate(shown)
    except ValidationError:
        return _invalid(shown)
    country, national = vies_country(compact[:2]), compact[2:]
    try:
        result = client.check(country, national)
    except ViesRefused as exc:
        return VatCheck(False, "VAT_NUMBER_BLOCKED", _blocked_message(country + national, exc.code), None)
    if not result.valid:
        return VatCheck(False, "VAT_NUMBER_NOT_IN_VIES", _not_in_vies_message(country + national), result.raw)
    message = f"VIES confirms {country}{national} is registered for intra-EU trade"
    if result.request_identifier:
        message += f" (consultation number {result.request_identifier}, {result.request_date})"
    return VatCheck(True, None, message + ".", result.raw)


def _invalid(shown: str) -> VatCheck:
    if not shown:
        message = ("The order has no customer VAT number, so it cannot be invoiced at 0 % VAT as an intra-EU "
                   "supply. Add the customer's VAT number to the order in your shop, or charge VAT, then press "
                   "Process.")
    else:
        message = (f"\"{shown}\" is not a valid EU VAT number (its form or check digits are wrong){_hint(shown)}. "
                   "Ask the customer for the correct VAT number, correct it on the order in your shop, then "
                   "press Process.")
    return VatCheck(False, "VAT_NUMBER_INVALID", message, None)


def _hint(shown: str) -> str:
    """A nudge when the country prefix is missing but the rest fits a member state's numbers."""
    bare = "".join(ch for ch in shown.upper() if ch.isalnum())
    if bare[:2].isalpha():
        return ""
    candidates = sorted(vies_country(cc) + bare for cc in eu_vat.guess_country(bare))
    return f"; it has no country prefix (did you mean {' or '.join(candidates)}?)" if candidates else ""


def _not_in_vies_message(full: str) -> str:
    return (f"VIES, the EU's VAT register, reports {full} as not registered for intra-EU trade, so this order "
            "cannot be invoiced at 0 % VAT. Check the number with the customer; correct the VAT number on the "
            "order in your shop (or charge VAT), then press Process.")


def _blocked_message(full: str, code: str) -> str:
    return (f"VIES refuses to check {full} ({code}), so the 0 % VAT cannot be proven for this order. Ask the "
            "customer to confirm their VAT registration with their tax office; correct the order in your shop "
            "(or charge VAT), then press Process.")
