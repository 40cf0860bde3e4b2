"""Field tables of the reference entities (GL accounts, VAT codes, journals, ...) and current/Me.

Taken from the property lists of Exact's own .NET client models
(exactonline/exactonline-api-dotnet-client@02d0548, src/ExactOnline.Client.Models), which mirror the
REST API's documented properties. Navigation collections other than the lines are left out.
"""
from __future__ import annotations

from .spec import EntitySpec

GL_ACCOUNT = EntitySpec(
    model="GLAccount",
    key="ID",
    guid=(
        "Creator ID Modifier PrivateGLAccount VATNonDeductibleGLAccount YearEndCostGLAccount"
        " YearEndReflectionGLAccount"
    ),
    int=(
        "AssimilatedVATBox BelcotaxType Division ExcludeVATListing Type UseCostcenter UseCostunit"
    ),
    dec=(
        "ExpenseNonDeductiblePercentage PrivatePercentage VATNonDeductiblePercentage"
    ),
    date=(
        "Created Modified"
    ),
    bool=(
        "Compress IsBlocked Matching RevalueCurrency"
    ),
    str=(
        "BalanceSide BalanceType Code Costcenter CostcenterDescription Costunit"
        " CostunitDescription CreatorFullName Description ModifierFullName ReportingCode"
        " SearchCode TypeDescription VATCode VATDescription VATGLAccountType VATSystem"
    ),
    readonly=(
        "CostcenterDescription CostunitDescription Created Creator CreatorFullName Division"
        " Modified Modifier ModifierFullName TypeDescription VATDescription"
    ),
)


VAT_CODE = EntitySpec(
    model="VATCode",
    key="ID",
    guid=(
        "Account Creator GLDiscountPurchase GLDiscountSales GLToClaim GLToPay ID Modifier"
    ),
    int=(
        "CalculationBasis Division TaxReturnType VatMargin VATPartialRatio"
    ),
    dec=(
        "Percentage"
    ),
    date=(
        "Created Modified"
    ),
    bool=(
        "Charged IntraStat IsBlocked"
    ),
    str=(
        "AccountCode AccountName Code Country CreatorFullName Description EUSalesListing"
        " GLDiscountPurchaseCode GLDiscountPurchaseDescription GLDiscountSalesCode"
        " GLDiscountSalesDescription GLToClaimCode GLToClaimDescription GLToPayCode"
        " GLToPayDescription IntrastatType LegalText ModifierFullName Type VatDocType"
        " VATTransactionType"
    ),
    readonly=(
        "AccountCode AccountName Country Created Creator CreatorFullName Division"
        " GLDiscountPurchaseCode GLDiscountPurchaseDescription GLDiscountSalesCode"
        " GLDiscountSalesDescription GLToClaimCode GLToClaimDescription GLToPayCode"
        " GLToPayDescription Modified Modifier ModifierFullName Percentage"
    ),
)


JOURNAL = EntitySpec(
    model="Journal",
    key="ID",
    guid=(
        "Bank BankAccountID Creator GLAccount ID Modifier PaymentInTransitAccount"
    ),
    int=(
        "Division GLAccountType PaymentServiceProvider Type"
    ),
    date=(
        "Created Modified"
    ),
    bool=(
        "AllowVariableCurrency AllowVariableExchangeRate AllowVAT AutoSave BankAccountUseSEPA"
        " BankAccountUseSepaDirectDebit"
    ),
    str=(
        "BankAccountBICCode BankAccountCountry BankAccountDescription BankAccountIBAN"
        " BankAccountIncludingMask BankName Code CreatorFullName Currency CurrencyDescription"
        " Description GLAccountCode GLAccountDescription ModifierFullName"
        " PaymentServiceAccountIdentifier PaymentServiceProviderName"
    ),
    readonly=(
        "BankAccountBICCode BankAccountCountry BankAccountDescription BankAccountIBAN"
        " BankAccountUseSEPA BankAccountUseSepaDirectDebit BankName Created Creator"
        " CreatorFullName CurrencyDescription Division GLAccountCode GLAccountDescription"
        " GLAccountType Modified Modifier ModifierFullName PaymentServiceProviderName"
    ),
)


PAYMENT_CONDITION = EntitySpec(
    model="PaymentCondition",
    key="ID",
    guid=(
        "Creator CreditManagementScenario ID Modifier"
    ),
    int=(
        "DiscountPaymentDays Division PaymentDays PaymentEndOfMonths"
    ),
    dec=(
        "DiscountPercentage Percentage"
    ),
    date=(
        "Created Modified"
    ),
    str=(
        "Code CreatorFullName CreditManagementScenarioCode CreditManagementScenarioDescription"
        " Description DiscountCalculation ModifierFullName PaymentDiscountType PaymentMethod"
        " VATCalculation"
    ),
    readonly=(
        "Created Creator CreatorFullName CreditManagementScenarioCode"
        " CreditManagementScenarioDescription Division Modified Modifier ModifierFullName"
    ),
)


WAREHOUSE = EntitySpec(
    model="Warehouse",
    key="ID",
    guid=(
        "Creator DefaultStorageLocation ID ManagerUser Modifier"
    ),
    int=(
        "Division Main UseStorageLocations"
    ),
    date=(
        "Created Modified"
    ),
    str=(
        "Code CreatorFullName DefaultStorageLocationCode DefaultStorageLocationDescription"
        " Description EMail ModifierFullName"
    ),
    readonly=(
        "Created Creator CreatorFullName DefaultStorageLocation DefaultStorageLocationCode"
        " DefaultStorageLocationDescription Division Modified Modifier ModifierFullName"
    ),
)


DIVISION = EntitySpec(
    model="Division",
    key="Code",
    guid=(
        "Creator Customer Modifier"
    ),
    int=(
        "BlockingStatus Code HID Status"
    ),
    date=(
        "Created Modified StartDate"
    ),
    bool=(
        "Main"
    ),
    str=(
        "Country CountryDescription CreatorFullName Currency CurrencyDescription CustomerCode"
        " CustomerName Description ModifierFullName SiretNumber TaxOfficeNumber TaxReferenceNumber"
        " VATNumber Website"
    ),
    readonly=(
        "CountryDescription Created Creator CreatorFullName CurrencyDescription Modified Modifier"
        " ModifierFullName"
    ),
)


ME = EntitySpec(
    model="Me",
    key="UserID",
    guid=(
        "DivisionCustomer EmployeeID UserID"
    ),
    int=(
        "CurrentDivision Legislation"
    ),
    dec=(
        "ServerUtcOffset"
    ),
    str=(
        "DivisionCustomerCode DivisionCustomerName Email FirstName FullName Gender Initials"
        " Language LanguageCode LastName MiddleName Mobile Nationality Phone PhoneExtension"
        " PictureUrl ServerTime ThumbnailPictureFormat Title UserName"
    ),
)
