"""The merchant's VAT table as the pipeline reads it: which row of it a line belongs to.

Keys are "<destination country>:<rate>" (e.g. "DE:7.00"), "ICP" for intra-EU business sales and
"INTERNATIONAL" for sales outside the EU; a bare "<rate>" is accepted as a fallback for tables
saved before rows were per country. Every target reads the same table.
"""
from __future__ import annotations

from worker.canonical import Line, Order
from worker.connectors.errors import MappingError


def vat_keys(order: Order, line: Line) -> list[str]:
    """The rows of the VAT settings a line may belong to, best first."""
    if order.vat_regime == "intra_eu_reverse_charge":
        return ["ICP"]
    if order.vat_regime == "export":
        return ["INTERNATIONAL"]
    country = (order.shipping or order.billing).country
    return [f"{country}:{line.vat_rate:.2f}", f"{line.vat_rate:.2f}"]


def describe(key: str) -> str:
    """A row key as a merchant reads it: "DE 7.00 %", "ICP"."""
    return key.replace(":", " ") + (" %" if ":" in key else "")


def accounts_needed(settings: dict) -> bool:
    """Whether the VAT table maps revenue accounts: not when the contract leaves them off the lines."""
    return not settings.get("contract_no_revenue_account")


def vat_row(settings: dict, order: Order, line: Line, need_account: bool | None = None) -> dict:
    """The VAT code and revenue account for a line; MappingError("VAT_NOT_MAPPED") when none is set.

    Under the contract option "no revenue account on lines" a row holds a VAT code only (``gl_account``
    absent) unless ``need_account`` says the document needs one anyway.
    """
    need_account = accounts_needed(settings) if need_account is None else need_account
    vat_map = settings.get("vat_map") or {}
    for key in vat_keys(order, line):
        row = vat_map.get(key)
        if row and row.get("vat_code") and (row.get("gl_account") or not need_account):
            return {**row, "key": key}
    raise MappingError("VAT_NOT_MAPPED", describe(vat_keys(order, line)[0]))
