"""The checks done before anything is sent (manual 003 "Pre-check")."""
from __future__ import annotations

from worker.canonical import Order
from worker.config import settings
from worker.connectors.errors import MappingError
from worker.connectors.vies import ViesClient, check_vat_number
from worker import vat_map
from worker.pipeline.messages import Problem, problem


def check_total(order: Order) -> Problem | None:
    """The total equals lines + shipping + payment costs − discounts, to the cent."""
    lines_sum = order.lines_total_incl()
    if lines_sum != order.total_incl:
        return problem("TOTAL_MISMATCH", total=f"{order.total_incl:.2f}", sum=f"{lines_sum:.2f}")
    return None


def check_vat_mapped(order: Order, settings: dict) -> Problem | None:
    """Every VAT rate on the order has a VAT code and revenue account in the merchant's settings."""
    for line in order.lines:
        try:
            vat_map.vat_row(settings, order, line)
        except MappingError as exc:
            return problem(exc.code, detail=str(exc))
    return None


def check_export_is_zero_rated(order: Order) -> Problem | None:
    """A sale outside the EU (International) carries no VAT; anything else cannot be booked as export."""
    if order.vat_regime == "export" and any(line.vat_rate != 0 for line in order.lines):
        rates = ", ".join(sorted({f"{line.vat_rate:.2f} %" for line in order.lines if line.vat_rate != 0}))
        return problem("EXPORT_WITH_VAT", rates=rates)
    return None


def vies_client(own_vat_number: str | None) -> ViesClient:
    """A VIES client that asks as the merchant, so VIES hands out a consultation number as proof."""
    own = (own_vat_number or "").replace(" ", "").replace(".", "").upper()
    return ViesClient(base_url=settings.vies_url, timeout=settings.http_timeout,
                      requester_country=own[:2] or None, requester_number=own[2:] or None)


def check_icp_vat_number(order: Order, own_vat_number: str | None, earlier: dict | None) -> tuple[Problem | None, dict | None]:
    """An intra-EU B2B order at 0 % needs a VAT number that VIES confirms; returns (problem, proof).

    A proof already kept for the same number is reused. ``ViesUnavailable`` propagates: the order
    waits for VIES, it has not failed.
    """
    if order.vat_regime != "intra_eu_reverse_charge":
        return None, None
    number = order.customer.vat_number
    if earlier and earlier.get("number") == number:
        return None, earlier
    result = check_vat_number(number, vies_client(own_vat_number))
    if not result.ok:
        return problem(result.code, detail=result.message), None
    return None, {"number": number, "message": result.message, "vies": result.vies}


def check_price_basis(order: Order, settings_: dict) -> Problem | None:
    """The shop's prices (incl. or excl. VAT) match the kind of VAT codes the merchant chose.

    Only then does the target's own rounding reproduce the shop's line totals and VAT exactly;
    converting one basis into the other would move cents, so we stop instead (README "Money").
    """
    wants_incl = settings_.get("price_mode", "incl") == "incl"
    if order.prices_include_vat != wants_incl:
        return problem("PRICE_BASIS_MISMATCH", shop="incl." if order.prices_include_vat else "excl.",
                       ours="incl." if wants_incl else "excl.")
    return None


def run(order: Order, target_settings: dict) -> Problem | None:
    """The first problem found, or None when the order may be sent."""
    return (check_total(order) or check_export_is_zero_rated(order) or check_price_basis(order, target_settings)
            or check_vat_mapped(order, target_settings))
