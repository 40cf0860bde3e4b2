"""The master data every new sandbox division starts with (targets.md §1.8 item 14).

GUIDs are random per division; callers find them by code, e.g.
``financial/GLAccounts?$filter=Code eq '8000'&$select=ID`` or ``state.find_by_code``.
"""
from __future__ import annotations

import datetime as dt

from .convert import net_date
from .convert import new_guid
from .oss import oss_vat_codes

# (code, description, Type, BalanceSide, BalanceType, VATCode). Type 110 = revenue, 20 = accounts
# receivable, 24 = VAT, 111 = cost of goods; BalanceType W = profit and loss, B = balance sheet.
GL_ACCOUNTS = (
    ("8000", "Omzet hoog", 110, "C", "W", "1  "),
    ("8010", "Omzet laag", 110, "C", "W", "2  "),
    ("8020", "Omzet 0%/ICP", 110, "C", "W", "6  "),
    ("8030", "Omzet buiten EU", 110, "C", "W", "7  "),
    ("7000", "Inkoopwaarde van de omzet", 111, "D", "W", None),
    ("1300", "Debiteuren", 20, "D", "B", None),
    ("1500", "Te betalen BTW", 24, "C", "B", None),
)
DEFAULT_REVENUE = "8000"

# (code, description, Type, percentage as a fraction, EUSalesListing). Exact's VAT code types
# (official .NET model doc): E = excluding VAT, I = including VAT, B = 0% (only base amount),
# N = no VAT. Percentages are fractions, 0.21 for 21% (ossobv/exactonline issue #18).
VAT_CODES = (
    ("0  ", "Geen BTW", "N", "0", None),
    ("1  ", "BTW hoog 21% excl.", "E", "0.21", None),
    ("2  ", "BTW laag 9% excl.", "E", "0.09", None),
    ("3  ", "BTW hoog 21% incl.", "I", "0.21", None),
    ("4  ", "BTW laag 9% incl.", "I", "0.09", None),
    ("5  ", "BTW 0%", "B", "0", None),
    ("6  ", "Intracommunautaire levering", "B", "0", "L"),
    ("7  ", "Export buiten de EU", "B", "0", None),
    ("6E ", "BTW 6% excl. (BE)", "E", "0.06", None),
    ("12E", "BTW 12% excl. (BE)", "E", "0.12", None),
    ("6I ", "BTW 6% incl. (BE)", "I", "0.06", None),
    ("12I", "BTW 12% incl. (BE)", "I", "0.12", None),
) + oss_vat_codes()  # and the OSS codes for distance sales to every other member state (oss.py)

# (code, description, Type): 20 = sales, 10 = cash, 90 = general journal.
JOURNALS = (("70", "Verkoopboek", 20), ("10", "Kas", 10), ("90", "Memoriaal", 90))

# (code, description, PaymentDays)
PAYMENT_CONDITIONS = (("14", "14 dagen", 14), ("30", "30 dagen", 30), ("00", "Contant", 0))


def _base(division: int, now_ms: int) -> dict:
    return {"Division": division, "Created": net_date(now_ms), "Modified": net_date(now_ms)}


def seed_division(division: int, now: float, description: str) -> dict[str, dict]:
    """Fresh master data for one division: entity name -> {key: record}."""
    now_ms = int(now * 1000)
    base = _base(division, now_ms)
    gl = {}
    for code, desc, kind, side, balance, vat in GL_ACCOUNTS:
        gid = new_guid()
        gl[gid] = {**base, "ID": gid, "Code": code, "Description": desc, "Type": kind, "BalanceSide": side,
                   "BalanceType": balance, "VATCode": vat, "IsBlocked": False, "SearchCode": code}
    to_pay = next(g["ID"] for g in gl.values() if g["Code"] == "1500")
    return {
        "GLAccounts": gl,
        "VATCodes": _keyed([_vat_code(base, to_pay, row) for row in VAT_CODES]),
        "Journals": _journals(base, gl),
        "PaymentConditions": _keyed([{**base, "ID": new_guid(), "Code": c, "Description": d, "PaymentDays": n,
                                      "DiscountPercentage": 0.0} for c, d, n in PAYMENT_CONDITIONS]),
        "Warehouses": _keyed([{**base, "ID": new_guid(), "Code": "1", "Description": "Hoofdmagazijn",
                               "Main": 1, "UseStorageLocations": 0}]),
        "Divisions": {str(division): {"Code": division, "Description": description, "Country": "NL",
                                 "Currency": "EUR", "Main": True, "Status": 1, "BlockingStatus": 0,
                                 "HID": division, "Created": net_date(now_ms),
                                 "StartDate": net_date(now_ms)}},
        "Accounts": {}, "Addresses": {}, "Items": {},
        "SalesOrders": {}, "SalesInvoices": {}, "SalesEntries": {},
    }


def _vat_code(base: dict, to_pay: str, row: tuple) -> dict:
    code, desc, kind, pct, listing = row
    return {**base, "ID": new_guid(), "Code": code, "Description": desc, "Type": kind, "Percentage": float(pct),
            "VATTransactionType": "B", "IsBlocked": False, "EUSalesListing": listing, "GLToPay": to_pay,
            "GLToPayCode": "1500", "Charged": False, "CalculationBasis": 0}


def top_up_vat_codes(docs: dict, division: int, now: float) -> None:
    """Add the seed's VAT codes a division saved by an older sandbox lacks (the OSS codes came later)."""
    have = {row["Code"] for row in docs["VATCodes"].values()}
    to_pay = next((g["ID"] for g in docs["GLAccounts"].values() if g["Code"] == "1500"), None)
    for row in VAT_CODES:
        if row[0] not in have:
            record = _vat_code(_base(division, int(now * 1000)), to_pay, row)
            docs["VATCodes"][record["ID"]] = record


def _journals(base: dict, gl: dict) -> dict:
    receivable = next(g for g in gl.values() if g["Code"] == "1300")
    rows = [{**base, "ID": new_guid(), "Code": code, "Description": desc, "Type": kind, "Currency": "EUR",
             "AllowVAT": kind in (20, 90), "GLAccount": receivable["ID"] if kind == 20 else None,
             "GLAccountCode": "1300" if kind == 20 else None} for code, desc, kind in JOURNALS]
    return _keyed(rows)


def _keyed(rows: list[dict]) -> dict:
    return {row["ID"]: row for row in rows}


def open_years(now: float) -> list[int]:
    """Financial years with open periods: last year, this year and next year."""
    year = dt.datetime.fromtimestamp(now, dt.timezone.utc).year
    return [year - 1, year, year + 1]
