"""The journal tabs' search, as a payroll administrator looks a journal up: by company (name or the payroll
system's company number), by the ledger's transaction number or the journal's reference, and by year and period ("2026-03", or 3 in 2026)."""
from __future__ import annotations

import dataclasses
import re

import sqlalchemy as sa

from worker.models import PayrollMapping, PayrollRun, PayrollTransaction

# How a period is written: 2026-03, 2026/3, 03-2026, 202603 (the ledger's financial period), 3, or a year alone.
_YEAR_PERIOD = re.compile(r"(\d{4})\s*[-/. ]\s*(\d{1,2})|(\d{4})(\d{2})")
_PERIOD_YEAR = re.compile(r"(\d{1,2})\s*[-/. ]\s*(\d{4})")
LAST_PERIOD = 13  # a 4-weekly company has 13 periods


@dataclasses.dataclass(frozen=True)
class Search:
    """What was typed (shown again in the form) and what it was read as; ``readable`` False: a period we cannot read."""

    text: str = ""
    year_typed: str = ""
    period_typed: str = ""
    year: int | None = None
    period: int | None = None
    readable: bool = True

    def __bool__(self) -> bool:
        return bool(self.text or self.year_typed or self.period_typed)

    def args(self) -> dict[str, str]:
        """The search as URL arguments (only those given), for the pager and the tab's own polling."""
        given = {"q": self.text, "year": self.year_typed, "period": self.period_typed}
        return {name: value for name, value in given.items() if value}


def _year(text: str) -> int | None:
    return int(text) if re.fullmatch(r"\d{4}", text) and 1900 <= int(text) <= 2999 else None


def _year_and_period(typed: str) -> tuple[int | None, int | None] | None:
    """(year, period) of a period field as typed (either may be None); None when it is not a period."""
    if not typed:
        return None, None
    if match := _YEAR_PERIOD.fullmatch(typed):
        year, period = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
    elif match := _PERIOD_YEAR.fullmatch(typed):
        period, year = match.groups()
    elif re.fullmatch(r"\d{1,2}", typed):
        year, period = None, typed
    elif _year(typed):
        return _year(typed), None
    else:
        return None
    if year is not None and _year(year) is None or not 1 <= int(period) <= LAST_PERIOD:
        return None
    return (_year(year) if year else None), int(period)


def parse(text: str = "", year: str = "", period: str = "") -> Search:
    """The search from the form's three fields (a period such as 2026-03 may also be typed in the search box)."""
    text, year, period = text.strip()[:100], year.strip()[:10], period.strip()[:20]
    if not period and re.fullmatch(r"\d{4}\s*[-/]\s*\d{1,2}|\d{1,2}\s*[-/]\s*\d{4}", text):
        text, period = "", text  # "2026-03" typed in the search box: shown back in the Period field
    read = _year_and_period(period)
    if read is None or (year and _year(year) is None) or (year and read[0] and read[0] != _year(year)):
        return Search(text, year, period, readable=False)  # unreadable, or two different years
    return Search(text, year, period, read[0] or _year(year), read[1])


def conditions(tenant_id: int, search: Search, company_numbers: dict[str, str]) -> list:
    """The filter on ``payroll_runs`` for ``search``; ``company_numbers`` maps a payroll company number to its id."""
    if not search.readable:
        return [sa.false()]
    where = []
    if search.text:
        where.append(_text_matches(tenant_id, search.text, company_numbers))
    if search.year:
        where.append(PayrollRun.year == search.year)
    if search.period:
        where.append(PayrollRun.period == search.period)
    return where


def _text_matches(tenant_id: int, text: str, company_numbers: dict[str, str]):
    """A company by (part of) its name, by its payroll company number or id; a ledger transaction or our reference."""
    pattern = "%" + re.sub(r"([\\%_])", r"\\\1", text) + "%"
    named = sa.select(PayrollMapping.id).where(PayrollMapping.tenant_id == tenant_id,
                                               PayrollMapping.payroll_company_name.ilike(pattern, escape="\\"))
    either = [PayrollRun.mapping_id.in_(named), sa.func.lower(PayrollRun.reference) == text.lower()]
    if text.isdigit():
        # The payroll system shows a company's number; we store its id. The id is only a fallback when no numbers are known,
        # or a company's id could be taken for another's number (ids and numbers are both small in a sandbox).
        number = text.lstrip("0") or "0"
        company_id = company_numbers.get(number) if company_numbers else number
        if company_id is not None:
            either.append(PayrollRun.payroll_company_id == company_id)
    # The ledger shows its transaction numbers zero-padded (000012); 12 finds it too. Only posted ones are listed.
    batch = sa.select(PayrollTransaction.id).where(
        PayrollTransaction.run_id == PayrollRun.id, PayrollTransaction.state == "posted",
        sa.func.lower(sa.func.ltrim(PayrollTransaction.batch_number, "0")) == (text.lstrip("0") or text).lower())
    return sa.or_(*either, batch.exists())


def company_numbers(payroll_settings: dict | None) -> dict[str, str]:
    """Payroll company number → company id, from the companies stored when the payroll system was connected."""
    companies = (payroll_settings or {}).get("companies", [])
    return {str(c["number"]): str(c["id"]) for c in companies if c.get("number") is not None and "id" in c}
