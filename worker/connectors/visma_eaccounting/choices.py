"""What the Configuration tab offers for Visma eAccounting, from a company's reference data."""
from __future__ import annotations

from worker.connectors.base import Choice
from worker.i18n import N_

# Manual 000: the debtors' account is one of these three (Debiteuren, handel, tussenrekening).
DEBTOR_ACCOUNTS = ("1200", "1300", "1600")


def _accounts(reference: dict, wanted) -> list[dict]:
    """Active accounts by number, once each (the company lists them per fiscal year)."""
    found: dict[str, str] = {}
    for row in reference.get("gl_accounts", []):
        number = str(row.get("Number", ""))
        if row.get("IsActive", True) and not row.get("IsBlockedForManualBooking") and wanted(number):
            found.setdefault(number, f"{number} {row.get('Name') or ''}".strip())
    return [{"value": number, "label": label} for number, label in sorted(found.items())]


def general(reference: dict) -> tuple[Choice, ...]:
    """The debtors' account, the terms of payment and the unit for new customers and articles."""
    debtors = _accounts(reference, lambda number: number in DEBTOR_ACCOUNTS)
    return (
        Choice("debtor_account", N_("Account for debtors"), tuple((r["value"], r["label"]) for r in debtors),
               required=N_("Choose the account for debtors.")),
        Choice("terms_of_payment", N_("Terms of payment for new customers"),
               tuple((row["Id"], row.get("Name") or "") for row in reference.get("terms_of_payment", []))),
        Choice("default_unit", N_("Default unit for new articles"),
               tuple((row["Id"], row.get("Name") or "") for row in reference.get("units", []))),
    )


def vat_codes(reference: dict) -> list[dict]:
    """Every VAT code of the company, stored by its id (the documents send ``VatCodeId``)."""
    return [{"value": code["Id"], "label": f"{code['Code']} {code.get('Description') or ''}"}
            for code in reference.get("vat_codes", [])]


def revenue_accounts(reference: dict) -> list[dict]:
    """Revenue accounts: the 8000s, stored by number."""
    return _accounts(reference, lambda number: number.startswith("8"))
