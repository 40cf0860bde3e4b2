"""The before-send check: every account exists (missing ones listed in one error), every period open,
every dimension switched on known in the ledger under the description the merchant typed."""
from __future__ import annotations

from worker.i18n import N_
from worker.payroll.journal import JournalError, PeriodJournal


def accounts(journals: list[PeriodJournal], reference: dict) -> None:
    """JournalError listing every account of the journal the ledger does not have (or has inactive)."""
    active = {str(row.get("accountCd")) for row in reference.get("accounts", []) if row.get("active", True)}
    missing = sorted({line.account for j in journals for line in j.lines} - active)
    if missing:
        raise JournalError("LEDGER_ACCOUNTS_MISSING", N_(
            "These ledger accounts do not exist (or are inactive) in %(ledger)s: %(accounts)s. Create them in "
            "its chart of accounts with the numbers used in the payroll system, then send again."),
            accounts=", ".join(missing))


def periods(journals: list[PeriodJournal], reference: dict) -> None:
    """JournalError listing every period of the journal that is closed or unknown in the ledger."""
    open_periods = {str(row["periodId"]) for row in reference.get("periods", []) if not row.get("closedInGL")}
    closed = sorted({j.financial_period for j in journals} - open_periods)
    if closed:
        raise JournalError("LEDGER_PERIODS_CLOSED", N_(
            "These financial periods are closed or do not exist in %(ledger)s: %(periods)s. Open them in its "
            "General Ledger, then send again."), periods=", ".join(closed))


def dimensions(reference: dict, wanted: dict[str, str | None]) -> dict[str, int]:
    """The segment id of each dimension switched on (``{"cost_center": "Kostenplaats"}``), by description."""
    known = {str(row["description"]).strip().lower(): row["segmentId"] for row in reference.get("dimensions", [])}
    found = {}
    for kind, description in wanted.items():
        if not description:
            continue
        if description.strip().lower() not in known:
            raise JournalError("LEDGER_DIMENSION_MISSING", N_(
                "%(ledger)s has no dimension described as \"%(name)s\". Type the description exactly as it is in "
                "%(ledger)s, or switch the dimension off."), name=description)
        found[kind] = known[description.strip().lower()]
    return found


def before_send(journals: list[PeriodJournal], reference: dict) -> None:
    """Accounts first (the most common cause), then periods."""
    accounts(journals, reference)
    periods(journals, reference)
