"""Field tables of sales orders, sales invoices and sales entries, with their lines.

Taken from the property lists of Exact's own .NET client models
(exactonline/exactonline-api-dotnet-client@02d0548, src/ExactOnline.Client.Models), which mirror the
REST API's documented properties. Navigation collections other than the lines are left out.
"""
from __future__ import annotations

from .spec import EntitySpec

SALES_ORDER = EntitySpec(
    model="SalesOrder",
    key="OrderID",
    guid=(
        "Approver Creator DeliverTo DeliverToContactPerson DeliveryAddress Document InvoiceTo"
        " InvoiceToContactPerson Modifier OrderedBy OrderedByContactPerson OrderID Salesperson"
        " ShippingMethod TaxSchedule WarehouseID"
    ),
    int=(
        "ApprovalStatus DeliveryStatus Division DocumentNumber InvoiceStatus OrderNumber Status"
    ),
    dec=(
        "AmountDC AmountDiscount AmountDiscountExclVat AmountFC AmountFCExclVat Discount"
    ),
    date=(
        "Approved Created DeliveryDate Modified OrderDate"
    ),
    str=(
        "ApprovalStatusDescription ApproverFullName CreatorFullName Currency"
        " DeliverToContactPersonFullName DeliverToName DeliveryStatusDescription Description"
        " DocumentSubject InvoiceStatusDescription InvoiceToContactPersonFullName InvoiceToName"
        " ModifierFullName OrderedByContactPersonFullName OrderedByName PaymentCondition"
        " PaymentConditionDescription PaymentReference Remarks SalespersonFullName"
        " ShippingMethodDescription StatusDescription TaxScheduleCode TaxScheduleDescription"
        " WarehouseCode WarehouseDescription YourRef"
    ),
    readonly=(
        "AmountDC AmountFC AmountFCExclVat ApprovalStatus ApprovalStatusDescription Approved"
        " Approver ApproverFullName Created Creator CreatorFullName DeliverToContactPersonFullName"
        " DeliverToName DeliveryStatusDescription Division DocumentNumber DocumentSubject"
        " InvoiceStatusDescription InvoiceToContactPersonFullName InvoiceToName Modified Modifier"
        " ModifierFullName OrderedByContactPersonFullName OrderedByName"
        " PaymentConditionDescription SalespersonFullName ShippingMethodDescription Status"
        " StatusDescription TaxScheduleCode TaxScheduleDescription WarehouseCode"
        " WarehouseDescription"
    ),
)


SALES_ORDER_LINE = EntitySpec(
    model="SalesOrderLine",
    key="ID",
    guid=(
        "ID Item ItemVersion OrderID Pricelist Project PurchaseOrder PurchaseOrderLine ShopOrder"
        " TaxSchedule"
    ),
    int=(
        "Division LineNumber OrderNumber PurchaseOrderLineNumber PurchaseOrderNumber"
        " UseDropShipment"
    ),
    dec=(
        "AmountDC AmountFC CostPriceFC Discount Margin NetPrice Quantity QuantityDelivered"
        " QuantityInvoiced UnitPrice VATAmount VATPercentage"
    ),
    date=(
        "DeliveryDate"
    ),
    str=(
        "CostCenter CostCenterDescription CostUnit CostUnitDescription Description ItemCode"
        " ItemDescription ItemVersionDescription Notes PricelistDescription ProjectDescription"
        " TaxScheduleCode TaxScheduleDescription UnitCode UnitDescription VATCode"
        " VATCodeDescription"
    ),
    readonly=(
        "AmountDC CostCenterDescription CostPriceFC CostUnitDescription Division ItemCode"
        " ItemDescription ItemVersionDescription LineNumber PricelistDescription"
        " ProjectDescription PurchaseOrder PurchaseOrderLine PurchaseOrderLineNumber"
        " PurchaseOrderNumber QuantityDelivered QuantityInvoiced TaxScheduleCode"
        " TaxScheduleDescription UnitDescription VATCodeDescription"
    ),
)


SALES_INVOICE = EntitySpec(
    model="SalesInvoice",
    key="InvoiceID",
    guid=(
        "Creator DeliverTo DeliverToAddress DeliverToContactPerson Document InvoiceID InvoiceTo"
        " InvoiceToContactPerson Modifier OrderedBy OrderedByContactPerson Salesperson TaxSchedule"
        " Warehouse"
    ),
    int=(
        "DiscountType Division DocumentNumber InvoiceNumber OrderNumber StarterSalesInvoiceStatus"
        " Status Type"
    ),
    dec=(
        "AmountDC AmountDiscount AmountDiscountExclVat AmountFC AmountFCExclVat Discount"
        " ExtraDutyAmountFC GAccountAmountFC VATAmountDC VATAmountFC WithholdingTaxAmountFC"
        " WithholdingTaxBaseAmount WithholdingTaxPercentage"
    ),
    date=(
        "Created DueDate InvoiceDate Modified OrderDate"
    ),
    bool=(
        "IsExtraDuty"
    ),
    str=(
        "CreatorFullName Currency DeliverToContactPersonFullName DeliverToName Description"
        " DocumentSubject InvoiceToContactPersonFullName InvoiceToName Journal JournalDescription"
        " ModifierFullName OrderedByContactPersonFullName OrderedByName PaymentCondition"
        " PaymentConditionDescription PaymentReference Remarks SalespersonFullName"
        " StarterSalesInvoiceStatusDescription StatusDescription TaxScheduleCode"
        " TaxScheduleDescription TypeDescription YourRef"
    ),
    readonly=(
        "AmountDC AmountFC AmountFCExclVat Created Creator CreatorFullName"
        " DeliverToContactPersonFullName DeliverToName Division DocumentNumber DocumentSubject"
        " InvoiceDate InvoiceNumber InvoiceToContactPersonFullName InvoiceToName"
        " JournalDescription Modified Modifier ModifierFullName OrderedByContactPersonFullName"
        " OrderedByName PaymentConditionDescription SalespersonFullName StarterSalesInvoiceStatus"
        " StarterSalesInvoiceStatusDescription Status StatusDescription TaxScheduleCode"
        " TaxScheduleDescription TypeDescription VATAmountDC VATAmountFC"
    ),
)


SALES_INVOICE_LINE = EntitySpec(
    model="SalesInvoiceLine",
    key="ID",
    guid=(
        "Employee GLAccount ID InvoiceID Item Pricelist Project ProjectWBS SalesOrder"
        " SalesOrderLine Subscription TaxSchedule"
    ),
    int=(
        "Division LineNumber SalesOrderLineNumber SalesOrderNumber"
    ),
    dec=(
        "AmountDC AmountFC Discount ExtraDutyAmountFC ExtraDutyPercentage NetPrice Quantity"
        " UnitPrice VATAmountDC VATAmountFC VATPercentage"
    ),
    date=(
        "DeliveryDate EndTime StartTime"
    ),
    str=(
        "CostCenter CostCenterDescription CostUnit CostUnitDescription Description"
        " EmployeeFullName GLAccountDescription ItemCode ItemDescription Notes"
        " PricelistDescription ProjectDescription ProjectWBSDescription SubscriptionDescription"
        " TaxScheduleCode TaxScheduleDescription UnitCode UnitDescription VATCode"
        " VATCodeDescription"
    ),
    readonly=(
        "AmountDC CostCenterDescription CostUnitDescription Division EmployeeFullName"
        " GLAccountDescription ItemCode ItemDescription LineNumber PricelistDescription"
        " ProjectDescription ProjectWBSDescription SalesOrder SalesOrderLine SalesOrderLineNumber"
        " SalesOrderNumber Subscription SubscriptionDescription TaxScheduleCode"
        " TaxScheduleDescription UnitDescription VATCodeDescription"
    ),
)


SALES_ENTRY = EntitySpec(
    model="SalesEntry",
    key="EntryID",
    guid=(
        "Creator Customer Document EntryID Modifier"
    ),
    int=(
        "BatchNumber Division DocumentNumber EntryNumber InvoiceNumber OrderNumber ProcessNumber"
        " ReportingPeriod ReportingYear Status Type"
    ),
    dec=(
        "AmountDC AmountFC GAccountAmountFC Rate VATAmountDC VATAmountFC WithholdingTaxAmountDC"
        " WithholdingTaxBaseAmount WithholdingTaxPercentage"
    ),
    date=(
        "Created DueDate EntryDate Modified"
    ),
    bool=(
        "IsExtraDuty Reversal"
    ),
    str=(
        "CreatorFullName Currency CustomerName Description DocumentSubject"
        " ExternalLinkDescription ExternalLinkReference Journal JournalDescription"
        " ModifierFullName PaymentCondition PaymentConditionDescription PaymentReference"
        " StatusDescription TypeDescription YourRef"
    ),
    readonly=(
        "AmountDC AmountFC Created Creator CreatorFullName CustomerName Division DocumentNumber"
        " DocumentSubject ExternalLinkDescription JournalDescription Modified Modifier"
        " ModifierFullName PaymentConditionDescription Status StatusDescription Type"
        " TypeDescription VATAmountDC"
    ),
)


SALES_ENTRY_LINE = EntitySpec(
    model="SalesEntryLine",
    key="ID",
    guid=(
        "Asset EntryID GLAccount ID Project Subscription TaxSchedule TrackingNumber"
    ),
    int=(
        "Division LineNumber Type"
    ),
    dec=(
        "AmountDC AmountFC ExtraDutyAmountFC ExtraDutyPercentage Quantity StatisticalNetWeight"
        " StatisticalQuantity StatisticalValue VATAmountDC VATAmountFC VATBaseAmountDC"
        " VATBaseAmountFC VATPercentage"
    ),
    date=(
        "From To"
    ),
    str=(
        "AssetDescription CostCenter CostCenterDescription CostUnit CostUnitDescription"
        " Description GLAccountCode GLAccountDescription IntraStatArea IntraStatCountry"
        " IntraStatDeliveryTerm IntraStatTransactionA IntraStatTransportMethod Notes"
        " ProjectDescription SerialNumber StatisticalNumber SubscriptionDescription"
        " TrackingNumberDescription VATCode VATCodeDescription"
    ),
    readonly=(
        "AmountDC AssetDescription CostCenterDescription CostUnitDescription Division"
        " GLAccountCode GLAccountDescription LineNumber ProjectDescription SubscriptionDescription"
        " TrackingNumberDescription Type VATAmountDC VATCodeDescription"
    ),
)
