"""Create/update rules of crm/Accounts, crm/Addresses and logistics/Items (targets.md §1.8 items 9-10)."""
from __future__ import annotations

import re

from .convert import new_guid
from .errors import ExactError
from .errors import bad_reference
from .payload import Ctx
from .payload import find_code
from .payload import require

ACCOUNT_STATUSES = ("A", "S", "P", "C")  # none, suspect, prospect, customer
ADDRESS_TYPES = (1, 2, 3, 4)  # visit, postal, invoice, delivery
CODE_LENGTH = 18
_GL_REFS = ("GLAR", "GLAP", "GLAccountSales", "GLAccountPurchase")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


def create_account(ctx: Ctx, data: dict) -> dict:
    """A new account: Name required, Code padded to 18 (assigned when absent), references checked."""
    require(data, "Name")
    key = new_guid()
    record = {"ID": key, "Type": "A", "Blocked": False, **ctx.stamp()}
    if not data.get("Code"):
        data["Code"] = _free_account_code(ctx)
    _apply_account(ctx, record, data)
    return record


def update_account(ctx: Ctx, record: dict, data: dict) -> None:
    """PUT on an account: the same checks as on create, for the properties sent."""
    if "Name" in data:
        require(data, "Name")
    _apply_account(ctx, record, data)
    ctx.touch(record)


def _apply_account(ctx: Ctx, record: dict, data: dict) -> None:
    if data.get("Code") is not None:
        data["Code"] = _padded_code(ctx, data["Code"], record["ID"])
    if data.get("Status") is not None and data["Status"] not in ACCOUNT_STATUSES:
        raise ExactError(400, f"Status: ongeldige waarde '{data['Status']}' (A, S, P of C)")
    if data.get("Email") and not _EMAIL.match(data["Email"].strip()):
        raise ExactError(400, f"E-mail: ongeldig e-mailadres '{data['Email']}'")
    _check_country(data)
    for field in _GL_REFS:
        ctx.ref("GLAccounts", field, data.get(field))
    ctx.ref("Accounts", "Parent", data.get("Parent"))
    condition = ctx.by_code("PaymentConditions", "PaymentConditionSales", data.get("PaymentConditionSales"))
    vat = ctx.by_code("VATCodes", "SalesVATCode", data.get("SalesVATCode"))
    record.update(data)
    if condition:
        record["PaymentConditionSales"] = condition["Code"]
        record["PaymentConditionSalesDescription"] = condition["Description"]
    if vat:
        record["SalesVATCode"] = vat["Code"]
        record["SalesVATCodeDescription"] = vat["Description"]
    record["IsSales"] = record.get("Status") == "C"


def _padded_code(ctx: Ctx, code: str, own_id: str) -> str:
    # Exact stores account codes right-aligned in 18 characters (targets.md §1.6).
    code = code.strip()
    if len(code) > CODE_LENGTH:
        raise ExactError(400, f"Code: maximaal {CODE_LENGTH} tekens ('{code}')")
    padded = code.rjust(CODE_LENGTH)
    for other in ctx.docs("Accounts").values():
        if other["ID"] != own_id and other.get("Code") == padded:
            raise ExactError(400, f"Code bestaat al: {code}")
    return padded


def _free_account_code(ctx: Ctx) -> str:
    taken = {a.get("Code", "").strip() for a in ctx.docs("Accounts").values()}
    while True:
        code = str(ctx.state.next_number(ctx.division, "account_code", 1))
        if code not in taken:
            return code


def _check_country(data: dict) -> None:
    country = data.get("Country")
    if country is None:
        return
    if not re.fullmatch(r"[A-Za-z]{2}", country):
        raise bad_reference("Country")
    data["Country"] = country.upper()


def create_address(ctx: Ctx, data: dict) -> dict:
    """A new address: Type (1-4) and an existing Account required."""
    require(data, "Type")
    if data["Type"] not in ADDRESS_TYPES:
        raise ExactError(400, f"Type: ongeldige waarde {data['Type']} (1, 2, 3 of 4)")
    account = ctx.ref("Accounts", "Account", data.get("Account"), required=True)
    _check_country(data)
    ctx.ref("Warehouses", "Warehouse", data.get("Warehouse"))
    return {"ID": new_guid(), "Main": False, **ctx.stamp(), **data, "AccountName": account["Name"]}


def create_item(ctx: Ctx, data: dict) -> dict:
    """A new item: Code and Description required, Code unique in the division."""
    require(data, "Code", "Description")
    if find_code(ctx.docs("Items"), data["Code"]):
        raise ExactError(400, f"Code bestaat al: {data['Code']}")
    revenue = ctx.ref("GLAccounts", "GLRevenue", data.get("GLRevenue"))
    costs = ctx.ref("GLAccounts", "GLCosts", data.get("GLCosts"))
    vat = ctx.by_code("VATCodes", "SalesVatCode", data.get("SalesVatCode"))
    # There is no logistics/ItemGroups here, so any ItemGroup GUID a client sends points at nothing.
    if data.get("ItemGroup"):
        raise bad_reference("ItemGroup")
    record = {"ID": new_guid(), "IsSalesItem": True, "IsStockItem": False, "IsPurchaseItem": False,
              "Unit": "pc", "UnitDescription": "Stuk", "Stock": 0.0, **ctx.stamp(), **data}
    if revenue:
        record.update(GLRevenueCode=revenue["Code"], GLRevenueDescription=revenue["Description"])
    if costs:
        record.update(GLCostsCode=costs["Code"], GLCostsDescription=costs["Description"])
    if vat:
        record.update(SalesVatCode=vat["Code"], SalesVatCodeDescription=vat["Description"])
    return record
