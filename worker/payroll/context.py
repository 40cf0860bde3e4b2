"""One payroll run with its mapping and both connections, read once, and its journal lines read from the
payroll system: what posting a run (worker.payroll.posting) and More info (worker.payroll.details) both need."""
from __future__ import annotations

import dataclasses

from worker import connectors, db
from worker.connectors.errors import RemoteRejected
from worker.i18n import N_
from worker.models import Connection, PayrollMapping, PayrollRun
from worker.payroll import runs
from worker.payroll.journal import JournalError

PAYROLL_REFUSED = N_("%(payroll)s did not give the journal of run %(run)s: %(value)s")


@dataclasses.dataclass
class Context:
    """What one posting needs, read once (no ORM objects cross the remote calls)."""

    run: PayrollRun
    mapping: PayrollMapping
    payroll: object
    ledger: object

    @property
    def names(self) -> dict:
        return {"payroll": connectors.get(self.payroll.system).name, "ledger": connectors.get(self.ledger.system).name,
                "run": self.run.run_number, "year": self.run.year}


def context(payroll_run_id: int) -> Context | None:
    """The run, its mapping and connections (detached); None for no such run, KeyError for a missing connection."""
    with db.session_scope() as session:
        run = session.get(PayrollRun, payroll_run_id)
        if run is None:
            return None
        mapping, found = session.get(PayrollMapping, run.mapping_id), runs.connections(session, run.tenant_id)
        session.expunge_all()
    return Context(run, mapping, found[runs.PAYROLL_ROLE], found[runs.LEDGER_ROLE])


def journal_lines(ctx: Context):
    """The run's journal lines as the payroll system gives them now (split by dimension when the mapping asks)."""
    split = bool(ctx.mapping.cost_center_dimension or ctx.mapping.cost_unit_dimension)
    client = connectors.get(ctx.payroll.system).client(ctx.payroll)
    try:
        return client.journal(int(ctx.mapping.payroll_company_id), int(ctx.run.run_id), ctx.run.year, split=split)
    except RemoteRejected as exc:
        if exc.status == 401:  # credentials or rights: the status dot turns red with the reason
            _connection_refused(ctx.payroll.id, exc.message)
        raise JournalError("PAYROLL_REFUSED", PAYROLL_REFUSED, value=exc.message) from exc


def _connection_refused(connection_id: int, reason: str) -> None:
    with db.session_scope() as session:
        connection = session.get(Connection, connection_id)
        connection.status, connection.status_reason = "error", reason
