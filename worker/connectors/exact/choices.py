"""What the Configuration tab offers for Exact Online, from a division's reference data."""
from __future__ import annotations

from worker.connectors.base import Choice
from worker.i18n import N_


def _rows(rows: list[dict], key: str = "Code") -> tuple[tuple[str, str], ...]:
    return tuple((str(row[key]), f"{row.get('Code', '')} {row.get('Description') or ''}".strip()) for row in rows)


def general(reference: dict) -> tuple[Choice, ...]:
    """Journals by kind, payment conditions and warehouses of the division."""
    journals = reference.get("journals", [])
    return (
        Choice("sales_journal", N_("Sales journal (usually 70 in NL, 700 in BE)"),
               _rows([j for j in journals if int(j.get("Type", 0)) == 20]), required=N_("Choose a sales journal.")),
        Choice("cash_journal", N_("Cash journal (usually 10)"),
               _rows([j for j in journals if int(j.get("Type", 0)) in (10, 12)])),
        Choice("payment_condition", N_("Payment condition for new debtors"),
               _rows(reference.get("payment_conditions", []))),
        Choice("warehouse", N_("Warehouse for new products (sales orders)"),
               _rows(reference.get("warehouses", []), "ID")),
    )


def check_general(form: dict) -> dict[str, str]:
    """Sales orders need a warehouse."""
    if form.get("document_type") == "order" and not form.get("warehouse"):
        return {"warehouse": N_("Sales orders need a warehouse.")}
    return {}


def vat_codes(reference: dict, price_mode: str | None) -> list[dict]:
    """VAT codes of the kind that fits the price mode (manual 003: incl shows incl codes only)."""
    kinds = None if price_mode is None else (("I", "N", "B") if price_mode == "incl" else ("E", "N", "B"))
    return [{"value": code["Code"], "label": f"{code['Code'].strip()} {code.get('Description') or ''}"}
            for code in reference.get("vat_codes", []) if kinds is None or code.get("Type") in kinds]


def revenue_accounts(reference: dict) -> list[dict]:
    """General ledger accounts of type 110 (revenue)."""
    return [{"value": g["ID"], "label": f"{g['Code']} {g.get('Description') or ''}"}
            for g in reference.get("gl_accounts", []) if int(g.get("Type", 0)) == 110]
