"""Field tables of crm/Accounts, crm/Addresses and logistics/Items.

Taken from the property lists of Exact's own .NET client models
(exactonline/exactonline-api-dotnet-client@02d0548, src/ExactOnline.Client.Models), which mirror the
REST API's documented properties. Navigation collections other than the lines are left out.
"""
from __future__ import annotations

from .spec import EntitySpec

ACCOUNT = EntitySpec(
    model="Account",
    key="ID",
    guid=(
        "Accountant AccountManager ActivitySector ActivitySubSector BRIN BusinessType"
        " Classification1 Classification2 Classification3 Classification4 Classification5"
        " Classification6 Classification7 Classification8 CompanySize Creator Document"
        " GLAccountPurchase GLAccountSales GLAP GLAR ID InvoiceAccount LeadPurpose LeadSource"
        " MainContact Modifier Parent PriceList Reseller SalesTaxSchedule ShippingMethod"
    ),
    int=(
        "AccountManagerHID ConsolidationScenario CostPaid Division InvoiceAttachmentType"
        " InvoicingMethod IsAccountant IsAgency IsAnonymised IsCompetitor IsMailing"
        " PurchaseLeadDays SecurityLevel SeparateInvPerProject SeparateInvPerSubscription"
        " ShippingLeadDays"
    ),
    dec=(
        "CreditLinePurchase CreditLineSales DiscountPurchase DiscountSales Latitude Longitude"
    ),
    date=(
        "ControlledDate Created CustomerSince EndDate EstablishedDate Modified StartDate"
        " StatusSince"
    ),
    bool=(
        "Blocked CanDropShip HasWithholdingTaxSales IgnoreDatevWarningMessage IsBank IsExtraDuty"
        " IsMember IsPilot IsPurchase IsReseller IsSales IsSupplier RecepientOfCommissions"
    ),
    str=(
        "AccountManagerFullName AddressLine1 AddressLine2 AddressLine3 ChamberOfCommerce City"
        " Classification ClassificationDescription Code CodeAtSupplier Costcenter"
        " CostcenterDescription Country CountryName CreatorFullName Currency DatevCreditorCode"
        " DatevDebtorCode DunsNumber Email Fax GlnNumber IntraStatArea IntraStatDeliveryTerm"
        " IntraStatSystem IntraStatTransactionA IntraStatTransactionB IntraStatTransportMethod"
        " InvoiceAccountCode InvoiceAccountName Language LanguageDescription LogoFileName"
        " LogoThumbnailUrl LogoUrl ModifierFullName Name OINNumber PayAsYouEarn"
        " PaymentConditionPurchase PaymentConditionPurchaseDescription PaymentConditionSales"
        " PaymentConditionSalesDescription Phone PhoneExtension Postcode PurchaseCurrency"
        " PurchaseCurrencyDescription PurchaseVATCode PurchaseVATCodeDescription Remarks"
        " ResellerCode ResellerName RSIN SalesCurrency SalesCurrencyDescription"
        " SalesTaxScheduleCode SalesTaxScheduleDescription SalesVATCode SalesVATCodeDescription"
        " SearchCode State StateName Status TradeName Type UniqueTaxpayerReference VATLiability"
        " VATNumber Website"
    ),
    readonly=(
        "AccountManagerFullName AccountManagerHID BRIN Classification ClassificationDescription"
        " Costcenter CostcenterDescription CostPaid CountryName Created Creator CreatorFullName"
        " Currency CustomerSince Division Document DunsNumber InvoiceAccountCode"
        " InvoiceAccountName IsAnonymised IsBank IsMember IsPurchase IsSales LanguageDescription"
        " LogoThumbnailUrl LogoUrl Modified Modifier ModifierFullName"
        " PaymentConditionPurchaseDescription PaymentConditionSalesDescription"
        " PurchaseCurrencyDescription PurchaseVATCodeDescription ResellerCode ResellerName"
        " SalesCurrencyDescription SalesTaxScheduleCode SalesTaxScheduleDescription"
        " SalesVATCodeDescription StateName StatusSince Type"
    ),
)


ADDRESS = EntitySpec(
    model="Address",
    key="ID",
    guid=(
        "Account Contact Creator ID Modifier Warehouse"
    ),
    int=(
        "Division Type"
    ),
    dec=(
        "FreeNumberField_01 FreeNumberField_02 FreeNumberField_03 FreeNumberField_04"
        " FreeNumberField_05"
    ),
    date=(
        "Created FreeDateField_01 FreeDateField_02 FreeDateField_03 FreeDateField_04"
        " FreeDateField_05 Modified"
    ),
    bool=(
        "AccountIsSupplier FreeBoolField_01 FreeBoolField_02 FreeBoolField_03 FreeBoolField_04"
        " FreeBoolField_05 Main"
    ),
    str=(
        "AccountName AddressLine1 AddressLine2 AddressLine3 City ContactName Country CountryName"
        " CreatorFullName Fax FreeTextField_01 FreeTextField_02 FreeTextField_03 FreeTextField_04"
        " FreeTextField_05 Mailbox ModifierFullName NicNumber Notes Phone PhoneExtension Postcode"
        " State StateDescription WarehouseCode WarehouseDescription"
    ),
    readonly=(
        "AccountIsSupplier AccountName ContactName CountryName Created Creator CreatorFullName"
        " Division Modified Modifier ModifierFullName StateDescription WarehouseCode"
        " WarehouseDescription"
    ),
)


ITEM = EntitySpec(
    model="Item",
    key="ID",
    guid=(
        "Creator GLCosts GLRevenue GLStock ID ItemGroup Modifier"
    ),
    int=(
        "CopyRemarks Division IsBatchItem IsBatchNumberItem IsMakeItem IsNewContract"
        " IsOnDemandItem IsRegistrationCodeItem IsTaxableItem IsTime IsWebshopItem SecurityLevel"
    ),
    dec=(
        "CostPriceNew CostPriceStandard FreeNumberField_01 FreeNumberField_02 FreeNumberField_03"
        " FreeNumberField_04 FreeNumberField_05 FreeNumberField_06 FreeNumberField_07"
        " FreeNumberField_08 GrossWeight NetWeight Stock"
    ),
    date=(
        "Created EndDate FreeDateField_01 FreeDateField_02 FreeDateField_03 FreeDateField_04"
        " FreeDateField_05 Modified StartDate"
    ),
    bool=(
        "FreeBoolField_01 FreeBoolField_02 FreeBoolField_03 FreeBoolField_04 FreeBoolField_05"
        " IsFractionAllowedItem IsPackageItem IsPurchaseItem IsSalesItem IsSerialItem"
        " IsSerialNumberItem IsStockItem IsSubcontractedItem"
    ),
    str=(
        "Barcode Class_01 Class_02 Class_03 Class_04 Class_05 Class_06 Class_07 Class_08 Class_09"
        " Class_10 Code CostPriceCurrency CreatorFullName Description ExtraDescription"
        " FreeTextField_01 FreeTextField_02 FreeTextField_03 FreeTextField_04 FreeTextField_05"
        " FreeTextField_06 FreeTextField_07 FreeTextField_08 FreeTextField_09 FreeTextField_10"
        " GLCostsCode GLCostsDescription GLRevenueCode GLRevenueDescription GLStockCode"
        " GLStockDescription ItemGroupCode ItemGroupDescription ModifierFullName NetWeightUnit"
        " Notes PictureName PictureThumbnailUrl PictureUrl SalesVatCode SalesVatCodeDescription"
        " SearchCode Unit UnitDescription UnitType"
    ),
    readonly=(
        "Created Creator CreatorFullName Division GLCostsCode GLCostsDescription GLRevenueCode"
        " GLRevenueDescription GLStockCode GLStockDescription ItemGroupCode ItemGroupDescription"
        " Modified Modifier ModifierFullName PictureName PictureThumbnailUrl PictureUrl"
        " SalesVatCodeDescription Stock UnitDescription UnitType"
    ),
)
