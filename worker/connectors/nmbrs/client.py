"""The Nmbrs SOAP API v3 client (sources.md §4): zeep reads the CompanyService WSDL and sends AuthHeaderWithDomain.

Nmbrs refuses with SOAP Faults whose message carries ``---> <code>: <text>`` (§4.5). Bad
credentials and rights (1xxx, 2004, 2009, …) and bad input (2006) are ``RemoteRejected`` with the
code and text; no answer, or a 5xx without a Fault, is ``RemoteUnavailable`` (every call only reads).
"""
from __future__ import annotations

import dataclasses
import re

import requests

from worker.config import settings
from worker.connectors.errors import RemoteRejected, RemoteUnavailable
from worker.connectors.nmbrs import journal_format
from worker.connectors.nmbrs.journal_format import JournalLine

_CODE = re.compile(r"--->\s*(\d{4}):\s*(.*)", re.S)
# LoonaangifteTijdvak of a company paid by the month; others (4-weekly) count periods 1..13 that are not
# months. [A] the code is assumed (sources.md §4.3 names the field, not its values); the sandbox uses it too.
MONTHLY = 1
AUTH_CODES = {1001, 1002, 1003, 1004, 1006, 2003, 2004, 2009, 2011, 2013}
# What each code means (sources.md §4.5), put before Nmbrs' own words so the reason is clear.
REASONS = {1001: "user name, API token or domain not accepted", 1002: "this user may not make this call",
           1003: "authorization data missing or wrong", 1004: "no valid Nmbrs subscription",
           1006: "login security (e.g. two-step verification) refused the API user",
           2003: "employee outside this user's rights", 2004: "company outside this user's environment",
           2006: "invalid period or year", 2009: "debtor outside this user's rights",
           2011: "the environment is in protected mode", 2012: "wage tax declaration already sent",
           2013: "not available on a free trial"}


@dataclasses.dataclass(frozen=True)
class Run:
    """One payroll run (verloning) of a company."""

    id: int
    number: int
    year: int
    period_start: int
    period_end: int
    description: str
    locked: bool


def fault_code(message: str) -> tuple[int | None, str]:
    """Nmbrs' code and text from a Fault's message (None when it has no ``---> code:``)."""
    match = _CODE.search(message or "")
    return (int(match.group(1)), match.group(2).strip()) if match else (None, (message or "").strip())


class NmbrsClient:
    """CompanyService calls for one API user (user name, token, optional domain)."""

    def __init__(self, username: str, token: str, domain: str = "", base_url: str | None = None):
        self.base_url = (base_url or settings.nmbrs_soap_url).rstrip("/")
        self._auth = {"Username": username, "Token": token, "Domain": domain or None}
        self._zeep = None

    @property
    def service(self):
        """The CompanyService proxy, built from the WSDL on first use."""
        if self._zeep is None:
            # zeep (and lxml) only in the process that talks to Nmbrs: most web and worker processes never do.
            import zeep
            from zeep.exceptions import TransportError
            from zeep.transports import Transport

            transport = Transport(session=requests.Session(), timeout=settings.http_timeout,
                                  operation_timeout=settings.http_timeout)
            try:
                self._zeep = zeep.Client(f"{self.base_url}/CompanyService.asmx?WSDL", transport=transport)
            except (requests.RequestException, TransportError, OSError) as exc:
                raise RemoteUnavailable(f"Nmbrs' WSDL could not be read: {exc}") from exc
        return self._zeep.service

    def call(self, operation: str, **params):
        """One operation with the auth header; Faults and transport failures sorted into RemoteError."""
        method = getattr(self.service, operation)
        from zeep.exceptions import Error as ZeepError, Fault, TransportError  # loaded by self.service

        try:
            return method(**params, _soapheaders={"AuthHeaderWithDomain": self._auth})
        except Fault as exc:
            code, text = fault_code(exc.message)
            status = 401 if code in AUTH_CODES else 400
            reason = f"{code}: {REASONS[code]} ({text})" if code in REASONS else (f"{code}: {text}" if code else text)
            raise RemoteRejected(status, reason, {"code": code, "text": text}) from exc
        except TransportError as exc:
            raise RemoteUnavailable(f"Nmbrs answered {exc.status_code}") from exc
        except requests.RequestException as exc:
            raise RemoteUnavailable(f"Nmbrs could not be reached: {exc}") from exc
        except ZeepError as exc:
            raise RemoteRejected(502, f"Nmbrs' answer could not be read: {exc}") from exc

    def companies(self) -> list[dict]:
        """Every company the user may read: id, number, name, and whether its payroll periods are months."""
        rows = self.call("List_GetAll") or []
        return [{"id": int(c.ID), "number": int(c.Number), "name": c.Name,
                 "monthly": getattr(c, "LoonaangifteTijdvak", MONTHLY) == MONTHLY} for c in rows]

    def current_period(self, company_id: int) -> tuple[int, int]:
        """The company's current (year, period)."""
        answer = self.call("Company_GetCurrentPeriod", CompanyId=company_id)
        return int(answer.Year), int(answer.Period)

    def runs(self, company_id: int, year: int) -> list[Run]:
        """The company's runs in ``year``, by number."""
        rows = self.call("Run_GetList", CompanyId=company_id, Year=year) or []
        return [Run(int(r.ID), int(r.Number), int(r.Year), int(r.PeriodStart), int(r.PeriodEnd),
                    r.Description or "", bool(r.IsLocked)) for r in rows]

    def journal(self, company_id: int, run_id: int, year: int, split: bool = False) -> list[JournalLine]:
        """A run's journal lines; ``split`` asks for them per cost centre and cost unit."""
        operation = "Journals_GetByRunCostCenterCostUnitPerYear" if split else "Journals_GetByRunCompany_v2"
        text = self.call(operation, CompanyId=company_id, RunId=run_id, Year=year)
        try:
            return journal_format.parse(text or "<Journal/>")
        except journal_format.JournalFormatError as exc:
            raise RemoteRejected(502, f"Nmbrs' journal could not be read: {exc}") from exc

    def cost_centers(self, company_id: int) -> list[dict]:
        """The company's cost centres (kostenplaatsen): code and description."""
        return [{"code": r.Code, "description": r.Description} for r in self.call("CostCenter_GetList", CompanyId=company_id) or []]

    def cost_units(self, company_id: int) -> list[dict]:
        """The company's cost units (kostendragers): code and description."""
        return [{"code": r.Code, "description": r.Description} for r in self.call("CostUnit_GetList", CompanyId=company_id) or []]
