"""Queueing a payroll run for posting: one row per (tenant, company, year, run), the job deferred with it."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import orm
from sqlalchemy.dialects.postgresql import insert as insert_stmt

from worker import jobs
from worker.models import Connection, PayrollMapping, PayrollRun

PAYROLL_ROLE, LEDGER_ROLE = "payroll", "ledger"


def connections(session: orm.Session, tenant_id: int) -> dict[str, Connection]:
    """The tenant's payroll and ledger connections by role."""
    rows = session.execute(sa.select(Connection).where(Connection.tenant_id == tenant_id,
                                                       Connection.role.in_((PAYROLL_ROLE, LEDGER_ROLE)))).scalars()
    return {c.role: c for c in rows}


def reference(mapping: PayrollMapping, year: int, run_number: int) -> str:
    """Our reference on every line of the run's transactions (the same for its TWK periods)."""
    return f"PR-{mapping.payroll_company_id}-{year}-{run_number:02d}"


def defer(session: orm.Session, payroll_run: PayrollRun, schedule_at=None) -> None:
    """Defer the posting job in ``session``'s transaction, under the ledger connection's lock."""
    ledger = connections(session, payroll_run.tenant_id)[LEDGER_ROLE]
    jobs.defer(session, "post_payroll_run", lock=f"ledger:{ledger.id}", schedule_at=schedule_at,
               payroll_run_id=payroll_run.id)


def insert(session: orm.Session, mapping: PayrollMapping, year: int, run, state: str) -> int | None:
    """A new row for ``run`` in ``state``; None when the run has one already (the unique key decides)."""
    values = {"tenant_id": mapping.tenant_id, "mapping_id": mapping.id, "payroll_company_id": mapping.payroll_company_id,
              "year": year, "run_id": str(run.id), "run_number": run.number, "period": run.period_end,
              "reference": reference(mapping, year, run.number), "state": state}
    return session.execute(insert_stmt(PayrollRun).values(**values).on_conflict_do_nothing(
        index_elements=["tenant_id", "payroll_company_id", "year", "run_id"]).returning(PayrollRun.id)).scalar()


def existing(session: orm.Session, mapping: PayrollMapping, year: int, run) -> PayrollRun:
    """The row of ``run``, locked for this transaction."""
    return session.execute(sa.select(PayrollRun).where(
        PayrollRun.tenant_id == mapping.tenant_id, PayrollRun.payroll_company_id == mapping.payroll_company_id,
        PayrollRun.year == year, PayrollRun.run_id == str(run.id)).with_for_update()).scalar_one()


def request_send(session: orm.Session, mapping: PayrollMapping, year: int, run) -> PayrollRun:
    """Queue ``run`` (a payroll Run) once: a new row, or a failed or only checked (open) one again; a sent
    one is re-checked for changes (never posted twice); one already on its way is left alone. The caller commits."""
    new_id = insert(session, mapping, year, run, "queued")
    if new_id is not None:
        payroll_run = session.get(PayrollRun, new_id)
        defer(session, payroll_run)
        return payroll_run
    return queue_again(session, existing(session, mapping, year, run))


def queue_again(session: orm.Session, payroll_run: PayrollRun) -> PayrollRun:
    """Queue a known run (its row locked by the caller): a failed or only checked (open) one is sent, a sent
    one re-checked for changes (never posted twice), one already on its way left alone. The caller commits."""
    if payroll_run.state in ("queued", "sending"):
        return payroll_run
    if payroll_run.state in ("failed", "open"):
        payroll_run.state, payroll_run.error_code, payroll_run.error_message = "queued", None, None
        payroll_run.error_params = None
    defer(session, payroll_run)
    return payroll_run


def company_runs(session: orm.Session, mapping: PayrollMapping, year: int) -> list:
    """The payroll company's runs in ``year``, as the payroll system lists them."""
    from worker import connectors

    payroll = connections(session, mapping.tenant_id)[PAYROLL_ROLE]
    return connectors.get(payroll.system).client(payroll).runs(int(mapping.payroll_company_id), year)


def send(session: orm.Session, tenant_id: int, mapping_id: int, year: int, run_id: str | None = None,
         period: int | None = None) -> list[PayrollRun]:
    """Queue one run, or every run of ``period``, of the tenant's mapping; the caller commits."""
    mapping = session.get(PayrollMapping, mapping_id)
    if mapping is None or mapping.tenant_id != tenant_id:
        raise LookupError(mapping_id)
    chosen = [r for r in company_runs(session, mapping, year)
              if (run_id is not None and str(r.id) == str(run_id)) or (period is not None and r.period_end == period)]
    return [request_send(session, mapping, year, run) for run in chosen]
