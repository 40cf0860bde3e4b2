"""The REST endpoints the sandbox serves: path, entity set, field table and write rules."""
from __future__ import annotations

import dataclasses
from typing import Callable

from . import crm
from . import sales
from .fields_crm import ACCOUNT
from .fields_crm import ADDRESS
from .fields_crm import ITEM
from .fields_ref import DIVISION
from .fields_ref import GL_ACCOUNT
from .fields_ref import JOURNAL
from .fields_ref import PAYMENT_CONDITION
from .fields_ref import VAT_CODE
from .fields_ref import WAREHOUSE
from .fields_sales import SALES_ENTRY
from .fields_sales import SALES_ENTRY_LINE
from .fields_sales import SALES_INVOICE
from .fields_sales import SALES_INVOICE_LINE
from .fields_sales import SALES_ORDER
from .fields_sales import SALES_ORDER_LINE
from .spec import EntitySpec

SALES_ORDER.with_lines("SalesOrderLines", SALES_ORDER_LINE)
# The current API takes InvoiceDate on POST; the 2021 model still flagged it read-only.
SALES_INVOICE.with_lines("SalesInvoiceLines", SALES_INVOICE_LINE).make_writable("InvoiceDate")
SALES_ENTRY.with_lines("SalesEntryLines", SALES_ENTRY_LINE)


@dataclasses.dataclass(frozen=True)
class Endpoint:
    """One ``{service}/{Entity}`` endpoint."""

    path: str
    collection: str
    spec: EntitySpec
    create: Callable | None = None
    update: Callable | None = None
    deletable: bool = False
    # List GETs that Exact refuses without $select or $top=1 (targets.md §1.4).
    select_required: bool = False
    # For line endpoints (salesinvoice/SalesInvoiceLines): lines are stored inside the parent.
    lines_of: str | None = None

    @property
    def methods(self) -> set[str]:
        """The HTTP methods this endpoint answers."""
        methods = {"GET"}
        if self.create:
            methods.add("POST")
        if self.update:
            methods.add("PUT")
        if self.deletable:
            methods.add("DELETE")
        return methods


ENDPOINTS = {e.path: e for e in (
    Endpoint("crm/Accounts", "Accounts", ACCOUNT, crm.create_account, crm.update_account, select_required=True),
    Endpoint("crm/Addresses", "Addresses", ADDRESS, crm.create_address),
    Endpoint("logistics/Items", "Items", ITEM, crm.create_item, select_required=True),
    Endpoint("salesorder/SalesOrders", "SalesOrders", SALES_ORDER, sales.create_order, deletable=True,
             select_required=True),
    Endpoint("salesorder/SalesOrderLines", "SalesOrders", SALES_ORDER_LINE, lines_of="SalesOrderLines"),
    Endpoint("salesinvoice/SalesInvoices", "SalesInvoices", SALES_INVOICE, sales.create_invoice,
             sales.update_invoice, deletable=True, select_required=True),
    Endpoint("salesinvoice/SalesInvoiceLines", "SalesInvoices", SALES_INVOICE_LINE, lines_of="SalesInvoiceLines"),
    Endpoint("salesentry/SalesEntries", "SalesEntries", SALES_ENTRY, sales.create_entry, deletable=True,
             select_required=True),
    Endpoint("salesentry/SalesEntryLines", "SalesEntries", SALES_ENTRY_LINE, lines_of="SalesEntryLines"),
    Endpoint("financial/GLAccounts", "GLAccounts", GL_ACCOUNT, select_required=True),
    Endpoint("vat/VATCodes", "VATCodes", VAT_CODE, select_required=True),
    Endpoint("financial/Journals", "Journals", JOURNAL),
    Endpoint("cashflow/PaymentConditions", "PaymentConditions", PAYMENT_CONDITION),
    Endpoint("inventory/Warehouses", "Warehouses", WAREHOUSE),
    Endpoint("hrm/Divisions", "Divisions", DIVISION),
)}

# Entity set names accepted by ExactState.documents() and the /_sandbox API.
COLLECTIONS = sorted({e.collection for e in ENDPOINTS.values()})
