"""The checks done before anything is sent (manual 003 "Pre-check").

Every check reads the order, the merchant's settings and what the target connector declares (its
VAT codes' rates, whether it takes other currencies); none names a system.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from worker.canonical import CENT, Line, Order
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


def check_vat_mapped(order: Order, settings: dict, need_account: bool = True) -> Problem | None:
    """Every VAT rate on the order has a VAT code (and revenue account, when needed) in the merchant's settings."""
    for line in order.lines:
        try:
            vat_map.vat_row(settings, order, line, need_account)
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
        return problem(result.code, detail=result.template, **result.values), None
    return None, {"number": number, "message": result.message, "template": result.template,
                  "values": result.values, "vies": result.vies}


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _line_as_target_computes(line: Line, incl: bool) -> tuple[Decimal, Decimal]:
    """(total incl., VAT) of a line rebuilt from its unit price the way targets do: per line, half up."""
    rate = line.vat_rate / 100
    if incl:
        total = _cents(line.quantity * line.unit_price_incl)
        return total, _cents(total * rate / (1 + rate))
    net = _cents(line.quantity * line.unit_price_excl)
    vat = _cents(net * rate)
    return net + vat, vat


def check_price_basis(order: Order, settings_: dict, system: str) -> Problem | None:
    """Stop only when sending unit prices on the merchant's basis would move a cent on some line.

    The target recomputes each line from quantity × unit price; when that reproduces the shop's line
    total and VAT (always on the shop's own basis, and at 0 % on either) nothing moves, so the order
    goes. Otherwise the shop's prices are on the other basis and we stop instead of rounding twice.
    """
    wants_incl = settings_.get("price_mode", "incl") == "incl"
    for line in order.lines:
        if _line_as_target_computes(line, wants_incl) != (line.total_incl, line.vat_amount):
            return problem("PRICE_BASIS_MISMATCH", shop="incl." if order.prices_include_vat else "excl.",
                           ours="incl." if wants_incl else "excl.", system=system)
    return None


def check_currency(order: Order, settings_: dict, target_cls) -> Problem | None:
    """Koppel books in euros; another currency only when the contract allows it and the target takes it."""
    if order.currency == "EUR":
        return None
    allowed = set(settings_.get("contract_currencies") or ())
    if order.currency in allowed and target_cls.supports_foreign_currency:
        return None
    return problem("CURRENCY_NOT_EUR", currency=order.currency, system=target_cls.name)


def check_vat_code_rates(order: Order, settings_: dict, target_cls) -> Problem | None:
    """Each line's VAT rate equals the rate of the VAT code its row maps to (0 % codes for ICP and export)."""
    rates = target_cls.vat_code_rates(settings_.get("reference") or {})
    for line in order.lines:
        row = vat_map.vat_row(settings_, order, line)
        code_rate = rates.get(row["vat_code"])
        where = vat_map.describe(row["key"])
        if code_rate is None:
            return problem("VAT_CODE_UNKNOWN", vat_code=row["vat_code"].strip(), row=where, system=target_cls.name)
        if code_rate != line.vat_rate:
            return problem("VAT_CODE_RATE_MISMATCH", row=where, line_rate=f"{line.vat_rate:.2f}",
                           vat_code=row["vat_code"].strip(), code_rate=f"{code_rate:.2f}")
    return None


def run(order: Order, target_settings: dict, target_cls, document_type: str) -> Problem | None:
    """The first problem found, or None when the order may be sent."""
    priced = document_type not in target_cls.amount_document_types
    # Ledger documents book every line on a revenue account whatever the contract says.
    need_account = vat_map.accounts_needed(target_settings) or document_type in target_cls.ledger_document_types
    return (check_total(order) or check_currency(order, target_settings, target_cls)
            or check_export_is_zero_rated(order)
            or (priced and check_price_basis(order, target_settings, target_cls.name))
            or check_vat_mapped(order, target_settings, need_account)
            or check_vat_code_rates(order, target_settings, target_cls))
