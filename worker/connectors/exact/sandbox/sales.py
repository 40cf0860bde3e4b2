"""Create/update rules of sales orders, sales invoices and sales entries (targets.md §1.8 items 11-13)."""
from __future__ import annotations

from .convert import date_ms
from .convert import ms_to_date
from .convert import net_date
from .convert import new_guid
from .errors import ExactError
from .lines import build_lines
from .lines import header_totals
from .lines import line_vat_code
from .payload import Ctx
from .payload import require
from .totals import as_money
from .totals import entry_line
from .totals import sums

INVOICE_TYPES = {8020: "Verkoopfactuur", 8021: "Verkoopcreditnota", 8023: "Directe verkoopfactuur",
                 8024: "Directe verkoopcreditnota"}
DIRECT_TYPES = (8023, 8024)
SALES_JOURNAL = 20
DAY_MS = 86400 * 1000


def _day(ms: int) -> int:
    return ms - ms % DAY_MS


def _customer(ctx: Ctx, data: dict, field: str) -> dict:
    return ctx.ref("Accounts", field, data.get(field), required=True)


def _sales_journal(ctx: Ctx, code: str | None) -> dict:
    journal = ctx.by_code("Journals", "Journal", code, required=True)
    if journal["Type"] != SALES_JOURNAL:
        raise ExactError(500, f"Dagboek: {journal['Code']} is geen verkoopdagboek")
    return journal


def _payment(ctx: Ctx, data: dict, customer: dict, date: int) -> dict:
    condition = ctx.by_code("PaymentConditions", "PaymentCondition",
                            data.get("PaymentCondition") or customer.get("PaymentConditionSales"))
    if not condition:
        return {}
    return {"PaymentCondition": condition["Code"], "PaymentConditionDescription": condition["Description"],
            "DueDate": net_date(date + condition["PaymentDays"] * DAY_MS)}


def _journal_number(ctx: Ctx, journal: dict, date_value: int) -> int:
    # Exact numbers per journal and year from a free-number range; YYJJ0001 is its default (ossobv).
    year = ms_to_date(date_value).year
    first = int(f"{year % 100:02d}{journal['Code'].strip()}0001")
    return ctx.state.next_number(ctx.division, f"journal:{journal['Code'].strip()}:{year}", first)


def create_order(ctx: Ctx, data: dict) -> dict:
    """A sales order: existing OrderedBy, at least one line with an existing Item; Status 12."""
    customer = _customer(ctx, data, "OrderedBy")
    require(data, "SalesOrderLines")
    deliver_to = ctx.ref("Accounts", "DeliverTo", data.get("DeliverTo")) or customer
    ctx.ref("Accounts", "InvoiceTo", data.get("InvoiceTo"))
    address = ctx.ref("Addresses", "DeliveryAddress", data.get("DeliveryAddress"))
    if address and address.get("Account") != deliver_to["ID"]:
        raise ExactError(500, "Ongeldige referentie: DeliveryAddress")
    warehouse = ctx.ref("Warehouses", "WarehouseID", data.get("WarehouseID")) or _main_warehouse(ctx)
    if data.get("OrderNumber") is not None and any(
            o.get("OrderNumber") == data["OrderNumber"] for o in ctx.docs("SalesOrders").values()):
        raise ExactError(400, f"Ordernummer bestaat al: {data['OrderNumber']}")
    key = new_guid()
    lines, (net, vat) = build_lines(ctx, data.pop("SalesOrderLines"), "OrderID", key, invoice=False)
    order_date = date_ms(data.get("OrderDate")) or _day(ctx.now_ms)
    if data.get("OrderNumber") is None:
        data["OrderNumber"] = ctx.state.next_number(ctx.division, "order", 1)
    record = {
        "OrderID": key, "Currency": "EUR", **ctx.stamp(), **data, **_payment(ctx, data, customer, order_date),
        "OrderDate": net_date(order_date), "DeliveryDate": data.get("DeliveryDate") or net_date(order_date),
        "InvoiceTo": data.get("InvoiceTo") or customer["ID"], "DeliverTo": deliver_to["ID"],
        "OrderedByName": customer["Name"], "DeliverToName": deliver_to["Name"],
        "WarehouseID": warehouse["ID"], "WarehouseCode": warehouse["Code"],
        "WarehouseDescription": warehouse["Description"],
        "Status": 12, "StatusDescription": "Open", "DeliveryStatus": 12, "InvoiceStatus": 12,
        "SalesOrderLines": lines, **header_totals(net, vat),
    }
    for line in lines:
        line["OrderNumber"] = record["OrderNumber"]
    return record


def _main_warehouse(ctx: Ctx) -> dict:
    return next(w for w in ctx.docs("Warehouses").values() if w.get("Main"))


def create_invoice(ctx: Ctx, data: dict) -> dict:
    """A sales invoice: OrderedBy required, Type 8020-8024, Warehouse iff direct, sales journal; Status 20."""
    customer = _customer(ctx, data, "OrderedBy")
    kind = data.get("Type", 8020)
    if kind not in INVOICE_TYPES:
        raise ExactError(400, f"Type: ongeldige waarde {kind} (8020, 8021, 8023 of 8024)")
    _check_warehouse(ctx, data, kind)
    journal = _sales_journal(ctx, data.get("Journal") or _default_sales_journal(ctx))
    for field in ("InvoiceTo", "DeliverTo"):
        ctx.ref("Accounts", field, data.get(field))
    ctx.ref("Addresses", "DeliverToAddress", data.get("DeliverToAddress"))
    key = new_guid()
    lines, (net, vat) = build_lines(ctx, data.pop("SalesInvoiceLines", []), "InvoiceID", key, invoice=True)
    invoice_date = date_ms(data.get("InvoiceDate")) or _day(ctx.now_ms)
    return {
        "InvoiceID": key, "Currency": "EUR", **ctx.stamp(), **data,
        **_payment(ctx, data, customer, invoice_date),
        "Type": kind, "TypeDescription": INVOICE_TYPES[kind],
        "Journal": journal["Code"], "JournalDescription": journal["Description"],
        "InvoiceNumber": _journal_number(ctx, journal, invoice_date),
        "InvoiceDate": net_date(invoice_date), "OrderDate": data.get("OrderDate") or net_date(invoice_date),
        "InvoiceTo": data.get("InvoiceTo") or customer["ID"], "DeliverTo": data.get("DeliverTo") or customer["ID"],
        "OrderedByName": customer["Name"],
        # Status is read-only: new invoices are always 20 (open, still editable).
        "Status": 20, "StatusDescription": "Open",
        "SalesInvoiceLines": lines, **header_totals(net, vat),
        "VATAmountDC": as_money(vat), "VATAmountFC": as_money(vat),
    }


def _check_warehouse(ctx: Ctx, data: dict, kind: int) -> None:
    if kind in DIRECT_TYPES:
        ctx.ref("Warehouses", "Warehouse", data.get("Warehouse"), required=True)
    elif data.get("Warehouse"):
        raise ExactError(400, "Warehouse: alleen toegestaan bij directe facturen (type 8023 en 8024)")


def _default_sales_journal(ctx: Ctx) -> str:
    return next(j["Code"] for j in ctx.docs("Journals").values() if j["Type"] == SALES_JOURNAL)


def update_invoice(ctx: Ctx, record: dict, data: dict) -> None:
    """PUT on an invoice: refused once processed (Status 50); lines are not changed through the header."""
    if record.get("Status") == 50:
        raise ExactError(500, f"Factuur {record.get('InvoiceNumber')} is verwerkt en kan niet meer "
                              "worden gewijzigd")
    data.pop("SalesInvoiceLines", None)
    if "OrderedBy" in data:
        record["OrderedByName"] = _customer(ctx, data, "OrderedBy")["Name"]
    if "Journal" in data:
        data["Journal"] = _sales_journal(ctx, data["Journal"])["Code"]
    kind = data.get("Type", record.get("Type"))
    if "Type" in data or "Warehouse" in data:
        if kind not in INVOICE_TYPES:
            raise ExactError(400, f"Type: ongeldige waarde {kind} (8020, 8021, 8023 of 8024)")
        _check_warehouse(ctx, {**record, **data}, kind)
    record.update(data, Modified=net_date(ctx.now_ms))


def create_entry(ctx: Ctx, data: dict) -> dict:
    """A sales entry: Customer, sales Journal and lines (existing GLAccount, valid VATCode); open period."""
    customer = _customer(ctx, data, "Customer")
    journal = _sales_journal(ctx, data.get("Journal"))
    require(data, "SalesEntryLines")
    entry_date = date_ms(data.get("EntryDate")) or _day(ctx.now_ms)
    year = data.get("ReportingYear") or ms_to_date(entry_date).year
    period = data.get("ReportingPeriod") or ms_to_date(entry_date).month
    if year not in ctx.state.divisions[ctx.division]["open_years"] or not 1 <= period <= 12:
        raise ExactError(500, f"Periode {year}/{period:02d} bestaat niet of is afgesloten")
    key = new_guid()
    lines, (net, vat) = _entry_lines(ctx, data.pop("SalesEntryLines"), key)
    if data.get("InvoiceNumber") is not None:
        _check_free_invoice_number(ctx, journal, data["InvoiceNumber"])
    number = _journal_number(ctx, journal, entry_date)
    return {
        "EntryID": key, "Currency": "EUR", "InvoiceNumber": number, **ctx.stamp(), **data,
        **_payment(ctx, data, customer, entry_date),
        "EntryNumber": number, "EntryDate": net_date(entry_date), "ReportingYear": year,
        "ReportingPeriod": period, "Journal": journal["Code"], "JournalDescription": journal["Description"],
        "CustomerName": customer["Name"],
        "Type": 21 if net + vat < 0 else 20,
        "TypeDescription": "Verkoopcreditnota" if net + vat < 0 else "Verkoopfactuur",
        "Status": 20, "StatusDescription": "Open", "SalesEntryLines": lines,
        "AmountDC": as_money(net + vat), "AmountFC": as_money(net + vat),
        "VATAmountDC": as_money(vat), "VATAmountFC": as_money(vat),
    }


def _check_free_invoice_number(ctx: Ctx, journal: dict, number: int) -> None:
    for entity in ("SalesEntries", "SalesInvoices"):
        for doc in ctx.docs(entity).values():
            if doc.get("Journal") == journal["Code"] and doc.get("InvoiceNumber") == number:
                raise ExactError(400, f"Factuurnummer bestaat al: {number}")


def _entry_lines(ctx: Ctx, lines: list[dict], entry_id: str):
    built, pairs = [], []
    for number, line in enumerate(lines, start=1):
        require(line, "GLAccount", "AmountFC")
        gl = ctx.ref("GLAccounts", "GLAccount", line["GLAccount"])
        vat_code = _entry_vat_code(ctx, line, gl)
        net, vat = entry_line(line, vat_code)
        pairs.append((net, vat))
        built.append({
            **line, "ID": new_guid(), "EntryID": entry_id, "LineNumber": number, "Division": ctx.division,
            "GLAccountCode": gl["Code"], "GLAccountDescription": gl["Description"],
            "VATCode": vat_code["Code"] if vat_code else None,
            "VATCodeDescription": vat_code["Description"] if vat_code else None,
            "VATPercentage": vat_code["Percentage"] if vat_code else 0.0,
            "AmountFC": as_money(net), "AmountDC": as_money(net), "VATAmountFC": as_money(vat),
            "VATAmountDC": as_money(vat), "VATBaseAmountFC": as_money(net), "VATBaseAmountDC": as_money(net),
        })
    return built, sums(pairs)


def _entry_vat_code(ctx: Ctx, line: dict, gl: dict) -> dict | None:
    # An empty VATCode books without VAT (dotnet client #138); absent falls back to the ledger's code.
    if line.get("VATCode") == "":
        return None
    if line.get("VATCode") is None and not gl.get("VATCode"):
        return None
    return line_vat_code(ctx, {"VATCode": line.get("VATCode") or gl["VATCode"]}, None)
