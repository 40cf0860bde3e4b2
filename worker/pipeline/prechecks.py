"""The checks done before anything is sent (manual 003 "Pre-check")."""
from __future__ import annotations

from worker.canonical import Order
from worker.connectors.exact import mapping
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
            mapping.vat_row(settings, order, line)
        except mapping.MappingError as exc:
            return problem(exc.code, detail=str(exc))
    return None


def check_export_is_zero_rated(order: Order) -> Problem | None:
    """A sale outside the EU (International) carries no VAT; anything else cannot be booked as export."""
    if order.vat_regime == "export" and any(line.vat_rate != 0 for line in order.lines):
        rates = ", ".join(sorted({f"{line.vat_rate:.2f} %" for line in order.lines if line.vat_rate != 0}))
        return problem("EXPORT_WITH_VAT", rates=rates)
    return None


def run(order: Order, target_settings: dict) -> Problem | None:
    """The first problem found, or None when the order may be sent."""
    return check_total(order) or check_export_is_zero_rated(order) or check_vat_mapped(order, target_settings)
