"""The journal XML string Nmbrs returns inside ``Journals_GetByRun…`` results: ASSUMED, replace with a real sample.

sources.md §4.2: "The inner XML schema is not in any source we could read". This module is the one
place that knows it. The assumed shape reuses the line fields of ``Reports_GetJournalsReportByCompany``
(the most concrete shape known, [T, NMB-GO])::

    <Journal CompanyId="1" RunId="103" Year="2026">
      <Line><Period>3</Period><Run>3</Run><GeneralLedgerAccount>4000</GeneralLedgerAccount>
            <ComponentName>Brutoloon</ComponentName><Debit>1234.56</Debit><Credit>0.00</Credit>
            <CostCenter>100</CostCenter><CostUnit>P1</CostUnit><Department>1</Department>
            <Percentage>100</Percentage></Line>
    </Journal>

A TWK correction is a line whose ``Period`` is earlier than the run's (sources.md §4.3);
amounts may be negative. When a real sample arrives, change ``parse`` (and the sandbox's ``render``).
"""
from __future__ import annotations

import dataclasses
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import Element, SubElement, tostring

from defusedxml.ElementTree import ParseError, fromstring

FIELDS = ("Period", "Run", "GeneralLedgerAccount", "ComponentName", "Debit", "Credit", "CostCenter", "CostUnit",
          "Department", "Percentage")


@dataclasses.dataclass(frozen=True)
class JournalLine:
    """One line of a run's journal: an account, an amount on one side, the period it concerns."""

    period: int
    account: str
    component: str
    debit: Decimal
    credit: Decimal
    cost_center: str = ""
    cost_unit: str = ""
    department: str = ""


class JournalFormatError(ValueError):
    """The journal string is not in the format this module expects."""


def _amount(text: str | None) -> Decimal:
    try:
        return Decimal((text or "0").strip().replace(",", "."))
    except InvalidOperation:
        raise JournalFormatError(f"not an amount: {text!r}") from None


def parse(text: str) -> list[JournalLine]:
    """The lines of one journal string; JournalFormatError when it cannot be read."""
    try:
        root = fromstring(text)
    except ParseError as exc:
        raise JournalFormatError(f"journal is not XML: {exc}") from exc
    lines = []
    for node in root.iter("Line"):
        value = {name: (node.findtext(name) or "").strip() for name in FIELDS}
        if not value["GeneralLedgerAccount"] or not value["Period"].isdigit():
            raise JournalFormatError(f"journal line without account or period: {value}")
        lines.append(JournalLine(int(value["Period"]), value["GeneralLedgerAccount"], value["ComponentName"],
                                 _amount(value["Debit"]), _amount(value["Credit"]), value["CostCenter"],
                                 value["CostUnit"], value["Department"]))
    return lines


def render(company_id: int, run_id: int, year: int, lines: list[dict]) -> str:
    """The journal string for ``lines`` (dicts keyed by FIELDS), as the sandbox serves it."""
    root = Element("Journal", CompanyId=str(company_id), RunId=str(run_id), Year=str(year))
    for line in lines:
        node = SubElement(root, "Line")
        for name in FIELDS:
            SubElement(node, name).text = str(line.get(name, ""))
    return tostring(root, encoding="unicode")
