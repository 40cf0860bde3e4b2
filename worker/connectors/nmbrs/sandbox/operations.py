"""The CompanyService operations the sandbox answers, each checking the auth header and the company first."""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from worker.connectors.nmbrs import journal_format
from . import reports
from .soap import SoapFault
from .state import NmbrsState


def _user(state: NmbrsState, auth: dict) -> dict:
    """1001 for a missing header, an unknown user, a wrong token or another environment's domain (the
    DebtorService header has no Domain)."""
    user = state.users.get(auth.get("Username", ""))
    if user is None or user["token"] != auth.get("Token") or auth.get("Domain", "") not in ("", user["domain"]):
        raise SoapFault(1001, "Authentication failed: invalid username, token or domain.")
    return user


def _int(params: dict, name: str) -> int:
    try:
        return int(params.get(name, ""))
    except ValueError:
        raise SoapFault(None, f"Server was unable to read request. Input string was not in a correct format ({name}).") from None


def _company(state: NmbrsState, user: dict, params: dict) -> dict:
    company_id = _int(params, "CompanyId")
    if company_id not in user["companies"] or company_id not in state.companies:
        raise SoapFault(2004, "Unauthorized company: the company is not in your environment.")
    return state.companies[company_id]


def _year(state: NmbrsState, params: dict) -> int:
    year = _int(params, "Year")
    if not 2000 <= year <= state.year + 1:
        raise SoapFault(2006, f"Invalid period: year {year}.")
    return year


def _run(company: dict, params: dict, year: int | None) -> dict:
    run = company["runs"].get(_int(params, "RunId"))
    if run is None or (year is not None and run["Year"] != year):
        raise SoapFault(2006, "Invalid period: no such run in this year.")
    return run


def _grouped(lines: list[dict], keys: tuple[str, ...]) -> list[dict]:
    """Lines summed per (period, account, component, keys...), as the per-company variant aggregates."""
    totals: dict[tuple, dict] = defaultdict(lambda: {"Debit": Decimal(0), "Credit": Decimal(0)})
    for row in lines:
        key = (row["Period"], row["Run"], row["GeneralLedgerAccount"], row["ComponentName"], *(row[k] for k in keys))
        totals[key]["Debit"] += Decimal(row["Debit"])
        totals[key]["Credit"] += Decimal(row["Credit"])
    out = []
    for key, sums in totals.items():
        row = dict(zip(("Period", "Run", "GeneralLedgerAccount", "ComponentName", *keys), key))
        out.append({**row, "Debit": str(sums["Debit"]), "Credit": str(sums["Credit"]), "Percentage": "100"})
    return out


def _journal(state, user, params, year_given: bool, split: bool) -> str:
    company = _company(state, user, params)
    year = _year(state, params) if year_given else state.year
    run = _run(company, params, year)
    lines = _grouped(run["lines"], ("CostCenter", "CostUnit") if split else ())
    return journal_format.render(company["ID"], run["ID"], run["Year"], lines)


def _report_range(state: NmbrsState, params: dict) -> tuple[int, int, int]:
    """(start period, end period, year): 2006 for periods outside 1..13 or reversed."""
    start, end, year = _int(params, "StartPeriod"), _int(params, "EndPeriod"), _year(state, params)
    if not 1 <= start <= end <= 13:
        raise SoapFault(2006, f"Invalid period: {start}-{end}.")
    return start, end, year


def _other_service(state: NmbrsState, user: dict, name: str, params: dict):
    """ReportService (the background report, Pending then Success) and DebtorService."""
    if name == "Environment_Get":
        return {"SubDomain": user["domain"]}
    if name == "Reports_GetJournalsReportByCompany_Background":
        params = {k[0].upper() + k[1:]: v for k, v in params.items()}  # this service spells them camelCase
        company = _company(state, user, params)
        return reports.start_background(state, reports.journals_report(company, *_report_range(state, params)))
    if name == "Reports_BackgroundTask_Result":
        return reports.background_result(state, params.get("TaskId", ""))
    raise SoapFault(None, f"Unknown operation {name}.")


def _public(record: dict) -> dict:
    return {k: v for k, v in record.items() if k[0].isupper()}


def dispatch(state: NmbrsState, service: str, name: str, auth: dict, params: dict):
    """The result value of ``service``'s operation ``name``; SoapFault for anything Nmbrs refuses."""
    with state.lock:
        user = _user(state, auth)
        if service != "CompanyService":
            return _other_service(state, user, name, params)
        if name == "Reports_GetJournalsReportByCompany":
            return reports.journals_report(_company(state, user, params), *_report_range(state, params))
        if name == "List_GetAll":
            return ("Company", [_public(state.companies[c]) for c in sorted(user["companies"]) if c in state.companies])
        if name == "Company_GetCurrentPeriod":
            company = _company(state, user, params)
            return {"Year": state.year, "Period": company["current_period"], "PeriodType": company["LoonaangifteTijdvak"]}
        if name == "Run_GetList":
            company, year = _company(state, user, params), _year(state, params)
            runs = [_public(r) for r in company["runs"].values() if r["Year"] == year]
            return ("RunInfo", sorted(runs, key=lambda r: r["Number"]))
        if name in ("CostCenter_GetList", "CostUnit_GetList"):
            kind = "cost_centers" if name.startswith("CostCenter") else "cost_units"
            return (name.split("_")[0], _company(state, user, params)[kind])
        if name == "Journals_GetByRunCompany_v2":
            return _journal(state, user, params, year_given=True, split=False)
        if name == "Journals_GetByRunCostCenterCostUnit":
            return _journal(state, user, params, year_given=False, split=True)
        if name == "Journals_GetByRunCostCenterCostUnitPerYear":
            return _journal(state, user, params, year_given=True, split=True)
    raise SoapFault(None, f"Unknown operation {name}.")
