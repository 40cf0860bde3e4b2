"""More info on one journal: its lines per period as the payroll system gives them now, and each part of the
before-send check with its outcome (read live, so it shows whether a fix in the ledger took)."""
from __future__ import annotations

import dataclasses

from worker import connectors
from worker.connectors.errors import RemoteError
from worker.i18n import N_
from worker.payroll import checks
from worker.payroll.context import context, journal_lines
from worker.payroll.journal import JournalError, PeriodJournal, balanced, group

UNREACHABLE = N_("%(payroll)s or %(ledger)s could not be asked just now (%(value)s). Try again in a minute.")
# Each part of the before-send check, in the order it runs, with what it holds.
CHECKS = (("balanced", N_("Debits equal credits in every period")),
          ("dimensions", N_("Every dimension switched on exists in %(ledger)s")),
          ("accounts", N_("Every ledger account exists in %(ledger)s")),
          ("periods", N_("Every period is open in %(ledger)s")))


@dataclasses.dataclass
class Check:
    """One part of the check: its label (N_), whether it passed, and the advice (N_ with params) when not."""

    label: str
    ok: bool
    message: str | None = None
    params: dict | None = None


@dataclasses.dataclass
class Details:
    """What More info shows: names for the texts, the lines per period, the checks, or why they could not be read."""

    names: dict
    journals: list[PeriodJournal] = dataclasses.field(default_factory=list)
    checks: list[Check] = dataclasses.field(default_factory=list)
    problem: tuple[str, dict] | None = None  # (N_ message, params)


def _outcome(label: str, names: dict, run) -> Check:
    try:
        run()
    except JournalError as exc:
        return Check(label, False, exc.message, {**names, **exc.params})
    return Check(label, True)


def of_run(payroll_run_id: int) -> Details | None:
    """The journal's lines and check results, read from both systems now; None when there is no such run."""
    try:
        ctx = context(payroll_run_id)
    except KeyError:  # the payroll system or the ledger is not connected (any more): nothing to read
        return None
    if ctx is None:
        return None
    found = Details(ctx.names)
    try:
        found.journals = group(journal_lines(ctx), ctx.run.year, ctx.run.run_number)
        reference = connectors.get(ctx.ledger.system).reference_data(ctx.ledger, ctx.mapping.ledger_company_id)
    except JournalError as exc:
        found.problem = (exc.message, {**ctx.names, **exc.params})
        return found
    except RemoteError as exc:
        found.problem = (UNREACHABLE, {**ctx.names, "value": str(exc)})
        return found
    wanted = {"cost_center": ctx.mapping.cost_center_dimension, "cost_unit": ctx.mapping.cost_unit_dimension}
    parts = {"balanced": lambda: balanced(found.journals, ctx.run.run_number),
             "dimensions": lambda: checks.dimensions(reference, wanted),
             "accounts": lambda: checks.accounts(found.journals, reference),
             "periods": lambda: checks.periods(found.journals, reference)}
    found.checks = [_outcome(label, ctx.names, parts[key]) for key, label in CHECKS]
    return found
