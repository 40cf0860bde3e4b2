"""The check before a 0 % intra-EU (ICP) sale: is the buyer's VAT number well-formed, and does VIES know it?"""
from __future__ import annotations

import dataclasses

from stdnum.eu import vat as eu_vat
from stdnum.exceptions import ValidationError

from worker.connectors.vies.client import ViesClient, ViesRefused, vies_country
from worker.i18n import N_


# The merchant's sentences, marked for the catalogue: ``template`` and ``values`` render them in any
# language later (the order keeps both); ``message`` is the English text.
MISSING = N_("The order has no customer VAT number, so it cannot be invoiced at 0 % VAT as an intra-EU supply. "
             "Add the customer's VAT number to the order in your shop, or charge VAT, then press Process.")
INVALID = N_("\"{number}\" is not a valid EU VAT number (its form or check digits are wrong). Ask the customer "
             "for the correct VAT number, correct it on the order in your shop, then press Process.")
NO_PREFIX = N_("\"{number}\" is not a valid EU VAT number: it has no country prefix (did you mean {candidates}?). "
               "Ask the customer for the correct VAT number, correct it on the order in your shop, then press "
               "Process.")
NOT_IN_VIES = N_("VIES, the EU's VAT register, reports {number} as not registered for intra-EU trade, so this "
                 "order cannot be invoiced at 0 % VAT. Check the number with the customer; correct the VAT number "
                 "on the order in your shop (or charge VAT), then press Process.")
BLOCKED = N_("VIES refuses to check {number} ({vies_code}), so the 0 % VAT cannot be proven for this order. Ask "
             "the customer to confirm their VAT registration with their tax office; correct the order in your "
             "shop (or charge VAT), then press Process.")
CONFIRMED = N_("VIES confirms {number} is registered for intra-EU trade.")
CONFIRMED_WITH_PROOF = N_("VIES confirms {number} is registered for intra-EU trade (consultation number "
                          "{consultation}, {date}).")


@dataclasses.dataclass(frozen=True)
class VatCheck:
    """The outcome for one order: ok, or a code and a sentence for the merchant; ``vies`` is VIES's answer."""

    ok: bool
    code: str | None
    template: str
    values: dict
    vies: dict | None

    @property
    def message(self) -> str:
        return self.template.format(**self.values)


def check_vat_number(number: str | None, client: ViesClient) -> VatCheck:
    """Check a VAT number as the shop gives it; ViesUnavailable propagates (the order waits, it did not fail)."""
    shown = (number or "").strip()
    try:
        # Form and checksum first: a typo never costs a VIES request (and VIES never sees junk from us).
        compact = eu_vat.validate(shown)
    except ValidationError:
        return _invalid(shown)
    country, national = vies_country(compact[:2]), compact[2:]
    full = country + national
    try:
        result = client.check(country, national)
    except ViesRefused as exc:
        return VatCheck(False, "VAT_NUMBER_BLOCKED", BLOCKED, {"number": full, "vies_code": exc.code}, None)
    if not result.valid:
        return VatCheck(False, "VAT_NUMBER_NOT_IN_VIES", NOT_IN_VIES, {"number": full}, result.raw)
    if result.request_identifier:
        return VatCheck(True, None, CONFIRMED_WITH_PROOF, {"number": full, "consultation": result.request_identifier,
                                                           "date": str(result.request_date)}, result.raw)
    return VatCheck(True, None, CONFIRMED, {"number": full}, result.raw)


def _invalid(shown: str) -> VatCheck:
    if not shown:
        return VatCheck(False, "VAT_NUMBER_INVALID", MISSING, {}, None)
    candidates = _candidates(shown)
    if candidates:
        return VatCheck(False, "VAT_NUMBER_INVALID", NO_PREFIX, {"number": shown, "candidates": " / ".join(candidates)},
                        None)
    return VatCheck(False, "VAT_NUMBER_INVALID", INVALID, {"number": shown}, None)


def _candidates(shown: str) -> list[str]:
    """Numbers the customer may have meant when the country prefix is missing but the rest fits a member state."""
    bare = "".join(ch for ch in shown.upper() if ch.isalnum())
    if bare[:2].isalpha():
        return []
    return sorted(vies_country(cc) + bare for cc in eu_vat.guess_country(bare))
