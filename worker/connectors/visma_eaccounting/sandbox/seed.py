"""A new company as a Dutch eAccounting administration starts: VAT codes, accounts, codings, terms, units."""
from __future__ import annotations

import datetime as dt
import uuid

# (code, description, rate as a fraction, VAT account). Visma sends rates as fractions (inferred).
VAT_CODES = (
    ("NL21", "NL hoog tarief 21%", "0.21", 1671), ("NL9", "NL laag tarief 9%", "0.09", 1672),
    ("NL0", "NL 0%", "0", 1673), ("BE21", "BE 21%", "0.21", 1674), ("BE12", "BE 12%", "0.12", 1674),
    ("BE6", "BE 6%", "0.06", 1674), ("BE0", "BE 0%", "0", 1674),
    ("ICP", "Intracommunautaire levering 0%", "0", 1673), ("EXPORT", "Levering buiten de EU 0%", "0", 1673),
    ("OSSDE19", "OSS Duitsland 19%", "0.19", 1675), ("OSSDE7", "OSS Duitsland 7%", "0.07", 1675),
    ("OSSFR20", "OSS Frankrijk 20%", "0.20", 1675),
)
# (number, name, default VAT code or None, blocked for manual booking)
ACCOUNTS = (
    (1200, "Debiteuren", None, False), (1300, "Debiteuren handel", None, False),
    (1600, "Tussenrekening debiteuren", None, False),
    (1671, "Af te dragen btw hoog", None, False), (1672, "Af te dragen btw laag", None, False),
    (1673, "Af te dragen btw overig", None, False), (1674, "Af te dragen btw België", None, False),
    (1675, "Af te dragen btw OSS", None, False), (1900, "Memoriaal (geblokkeerd)", None, True),
    (8000, "Omzet hoog", "NL21", False), (8010, "Omzet laag", "NL9", False), (8020, "Omzet 0% en ICP", "ICP", False),
    (8030, "Omzet export", "EXPORT", False), (8040, "Omzet OSS", "OSSDE19", False),
    (8050, "Omzet België", "BE21", False),
)
# (name, rate as a fraction, revenue account)
CODINGS = (("Goederen 21%", "0.21", 8000), ("Goederen 12%", "0.12", 8050), ("Goederen 9%", "0.09", 8010),
           ("Goederen 6%", "0.06", 8050), ("Goederen 0%", "0", 8020))
TERMS = (("30 dagen", 30, 0), ("14 dagen", 14, 0), ("Contant", 0, 2), ("Betaald via webshop (PSP)", 0, 5))
UNITS = (("Stuks", "PCE", "st"), ("Uur", "HUR", "u"), ("Kilogram", "KGM", "kg"))
COLLECTIONS = ("customers", "articles", "articleaccountcodings", "vatcodes", "accounts", "fiscalyears",
               "termsofpayments", "units", "customerinvoicedrafts", "customerinvoices", "orders", "vouchers",
               "customerledgeritems")


def _id() -> str:
    return str(uuid.uuid4())


def _vat_codes() -> dict:
    rows = [{"Id": _id(), "Code": code, "Description": text, "VatRate": float(rate),
             "RelatedAccounts": {"AccountNumber1": account, "AccountNumber2": None, "AccountNumber3": None}}
            for code, text, rate, account in VAT_CODES]
    return {row["Id"]: row for row in rows}


def _fiscal_years(now: float) -> dict:
    year = dt.datetime.fromtimestamp(now, dt.timezone.utc).year
    rows = [{"Id": _id(), "StartDate": f"{y}-01-01T00:00:00", "EndDate": f"{y}-12-31T00:00:00",
             "IsLockedForAccounting": False, "BookkeepingMethod": 0} for y in (year - 1, year)]
    return {row["Id"]: row for row in rows}


def _accounts(years: dict, vat_codes: dict) -> dict:
    by_code = {row["Code"]: row for row in vat_codes.values()}
    rows = {}
    for year in years.values():
        for number, name, vat, blocked in ACCOUNTS:
            code = by_code.get(vat)
            rows[f"{year['Id']}:{number}"] = {
                "Name": name, "Number": str(number), "FiscalYearId": year["Id"], "IsActive": True,
                "VatCodeId": code["Id"] if code else None, "VatCodeDescription": code["Description"] if code else None,
                "IsBlockedForManualBooking": blocked, "IsProjectAllowed": False, "IsCostCenterAllowed": False}
    return rows


def _codings() -> dict:
    rows = [{"Id": _id(), "Name": name, "NameEnglish": name.replace("Goederen", "Goods"), "Type": "Goods",
             "VatRate": f"{float(rate) * 100:g}%", "VatRatePercent": float(rate), "IsActive": True,
             "DomesticSalesSubjectToVatAccountNumber": account, "ForeignSalesVatExemptWithinEuAccountNumber": 8020,
             "ForeignSalesVatExemptOutsideEuAccountNumber": 8030} for name, rate, account in CODINGS]
    return {row["Id"]: row for row in rows}


def seed_company(name: str, country: str, now: float) -> dict:
    """The documents and settings of a freshly set-up company."""
    vat_codes, years = _vat_codes(), _fiscal_years(now)
    terms = {row["Id"]: row for row in (
        {"Id": _id(), "Name": n, "NameEnglish": n, "NumberOfDays": days, "TermsOfPaymentTypeId": kind,
         "AvailableForSales": True, "AvailableForPurchase": True} for n, days, kind in TERMS)}
    units = {row["Id"]: row for row in ({"Id": _id(), "Name": n, "Code": c, "Abbreviation": a} for n, c, a in UNITS)}
    docs = {name_: {} for name_ in COLLECTIONS}
    docs.update(vatcodes=vat_codes, fiscalyears=years, accounts=_accounts(years, vat_codes),
                articleaccountcodings=_codings(), termsofpayments=terms, units=units)
    settings = {"Name": name, "CountryCode": country, "CurrencyCode": "EUR", "Email": "", "ProductVariant": 1,
                "TermsOfPaymentId": next(iter(terms)), "ShowPricesExclVatPC": False,
                "VatCode": f"{country}001234567B01",
                # the company's own id number (KvK in NL): unique per sandbox company (inferred format)
                "CorporateIdentityNumber": f"{uuid.uuid4().int % 10**8:08d}"}
    return {"settings": settings, "docs": docs, "counters": {}, "posts": {}, "startup_complete": True}
